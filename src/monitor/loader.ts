// Resolve [[monitor]].plugin: a built-in name, or an absolute path to a .ts/.js module imported at run time.
import type { MonitorConfig } from "../config/types.ts";
import { errorText } from "../log/logger.ts";
import { untrustedFile } from "../sys/trusted-file.ts";
import type { MonitorPlugin } from "./api.ts";
import { BUILTINS, builtin } from "./builtin/index.ts";
import { pluginProblems } from "./contract.ts";
import type { MonitorSpec } from "./runner.ts";

/** Why a plugin could not be loaded: the reference itself (config) or the module (the plugin's fault). */
export type LoadFailure = "bad-ref" | "unknown-builtin" | "not-found" | "unsafe-file" | "import-failed" | "bad-export";

/** The plugin, or why it could not be had. */
export type LoadResult =
  | { ok: true; plugin: MonitorPlugin; builtin: boolean }
  | { ok: false; kind: LoadFailure; error: string };

/** File name endings a plugin module may have. */
export const PLUGIN_EXTENSIONS = [".ts", ".js", ".mjs", ".mts"];

/** True for failures that are configuration errors (exit 2) rather than a broken plugin. */
export function isConfigFailure(kind: LoadFailure): boolean {
  return kind === "bad-ref" || kind === "unknown-builtin" || kind === "not-found" || kind === "unsafe-file";
}

/** Refuse what a non-root user could have written: plugins run as root, inside the daemon. */
function fileProblem(path: string): { kind: LoadFailure; error: string } | null {
  return untrustedFile(path, `plugin file ${path}`, "an existing .ts or .js module file");
}

/** Load the plugin `ref` names; never throws. */
export async function loadPlugin(ref: string): Promise<LoadResult> {
  if (/^[a-z][a-z0-9_-]{0,63}$/.test(ref)) {
    const p = builtin(ref);
    if (p !== undefined) return { ok: true, plugin: p, builtin: true };
    return {
      ok: false,
      kind: "unknown-builtin",
      error: `plugin ${JSON.stringify(ref)}: no such built-in plugin; expected one of ${Object.keys(BUILTINS).join(", ")}, or an absolute path to a .ts or .js module`,
    };
  }
  if (!ref.startsWith("/") || !PLUGIN_EXTENSIONS.some((e) => ref.endsWith(e))) {
    return {
      ok: false,
      kind: "bad-ref",
      error: `plugin ${JSON.stringify(ref)}: expected a built-in name (${Object.keys(BUILTINS).join(", ")}) or an absolute path ending in ${PLUGIN_EXTENSIONS.join(", ")}`,
    };
  }
  const bad = fileProblem(ref);
  if (bad !== null) return { ok: false, ...bad };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(ref)) as Record<string, unknown>;
  } catch (e) {
    const msg = errorText(e);
    const hint = /Cannot find (package|module)/.test(msg)
      ? " (a plugin must be self-contained: it can import node:/bun: modules and files beside it, not clusterguard's own modules)"
      : "";
    return { ok: false, kind: "import-failed", error: `plugin file ${ref}: cannot be loaded: ${msg}${hint}` };
  }
  if (mod.default === undefined)
    return {
      ok: false,
      kind: "bad-export",
      error: `plugin file ${ref}: has no default export; expected export default { meta, validate, monitor }`,
    };
  const problems = pluginProblems(mod.default);
  if (problems.length > 0)
    return { ok: false, kind: "bad-export", error: `plugin file ${ref}: the default export ${problems.join("; ")}` };
  return { ok: true, plugin: mod.default as MonitorPlugin, builtin: false };
}

/** Load every monitor's plugin, collecting every failure (each names the monitor). */
export async function loadMonitors(
  monitors: readonly MonitorConfig[],
): Promise<{ specs: MonitorSpec[]; errors: string[] }> {
  const specs: MonitorSpec[] = [];
  const errors: string[] = [];
  for (const config of monitors) {
    const r = await loadPlugin(config.plugin);
    if (r.ok) specs.push({ config, plugin: r.plugin });
    else errors.push(`monitor ${config.name}: ${r.error}`);
  }
  return { specs, errors };
}
