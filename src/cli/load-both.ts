// Load and check the config and the authkey together; every error is collected, none hidden.
import {
  type ClusterConfig,
  type ConfigError,
  type LineMap,
  type LoadResult,
  loadAuthkey,
  loadConfig,
} from "../config/index.ts";

export type BothResult =
  | { ok: true; config: ClusterConfig; key: Uint8Array; warnings: string[]; lines: LineMap }
  | {
      ok: false;
      errors: ConfigError[];
      warnings: string[];
      config?: ClusterConfig;
      key?: Uint8Array;
      lines?: LineMap;
    };

/** Load `configPath` and `authkeyPath`, reporting the errors of both files at once. */
export function loadBoth(configPath: string, authkeyPath: string, requireUid = 0): BothResult {
  return withAuthkey(loadConfig(configPath), authkeyPath, requireUid);
}

/** A config already loaded (from a file or from text), and the authkey at `authkeyPath`, as one result. */
export function withAuthkey(c: LoadResult, authkeyPath: string, requireUid = 0): BothResult {
  const k = loadAuthkey(authkeyPath, { requireUid });
  const errors = [...(c.ok ? [] : c.errors), ...(k.ok ? [] : k.errors)];
  if (c.ok && k.ok) return { ok: true, config: c.config, key: k.key, warnings: c.warnings, lines: c.lines };
  return {
    ok: false,
    errors,
    warnings: c.warnings,
    ...(c.ok ? { config: c.config, lines: c.lines } : {}),
    ...(k.ok ? { key: k.key } : {}),
  };
}
