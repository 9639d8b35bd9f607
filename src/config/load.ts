// Reads, parses and validates clusterguard.toml; every failure comes back as ConfigErrors.
import { readBounded } from "./bounded-read.ts";
import { DEFAULT_CONFIG_PATH } from "./locations.ts";
import { parse } from "./toml.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";
import { validate } from "./validate.ts";

/** Largest config file read: a real one is a few kilobytes; 1 MiB bounds memory and parse time in the initrd. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A loaded configuration, or every problem found. */
export type LoadResult =
  | { ok: true; config: ClusterConfig; warnings: string[] }
  | { ok: false; errors: ConfigError[]; warnings: string[] };

/** Loads and validates the config file at `path`. */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): LoadResult {
  const read = readBounded(path, { maxBytes: MAX_CONFIG_BYTES, holding: "the TOML configuration", why: "a configuration is a few kilobytes" });
  if (!read.ok) return { ok: false, errors: read.errors, warnings: [] };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(read.bytes);
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
