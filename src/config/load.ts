// Reads, parses and validates clusterguard.toml; every failure comes back as ConfigErrors.
import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG_PATH } from "./locations.ts";
import { parse } from "./toml.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";
import { validate } from "./validate.ts";

/** A loaded configuration, or every problem found. */
export type LoadResult =
  | { ok: true; config: ClusterConfig; warnings: string[] }
  | { ok: false; errors: ConfigError[]; warnings: string[] };

/** Loads and validates the config file at `path`. */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): LoadResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return fileError(path, `cannot read the file (${reason})`, "a readable TOML file");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fileError(path, "the file is not valid UTF-8", "UTF-8 encoded TOML text");
  }
  return loadConfigText(text, path);
}

/** Parses and validates config text; `file` names it in messages. */
export function loadConfigText(text: string, file: string): LoadResult {
  const parsed = parse(text);
  if (!parsed.ok) {
    const errors = parsed.errors.map((e): ConfigError => ({ file, key: e.key ?? "(syntax)", line: e.line, problem: e.message, expected: "" }));
    return { ok: false, errors, warnings: [] };
  }
  const { config, errors, warnings } = validate(parsed.value, parsed.lines, file);
  return config === undefined ? { ok: false, errors, warnings } : { ok: true, config, warnings };
}

function fileError(file: string, problem: string, expected: string): LoadResult {
  return { ok: false, errors: [{ file, key: "(file)", problem, expected }], warnings: [] };
}
