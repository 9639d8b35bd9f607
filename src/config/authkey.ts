// Loads the shared secret, refusing files that others could read or that root does not own.
import { keyFromBytes } from "./authkey-checks.ts";
import { DEFAULT_AUTHKEY_PATH } from "./locations.ts";
import { readSecretFile } from "./secret-file.ts";
import type { ConfigError } from "./types.ts";

export { writeAuthkey } from "./authkey-write.ts";

/** The key bytes, or every problem with the file. */
export type AuthkeyResult = { ok: true; key: Uint8Array } | { ok: false; errors: ConfigError[] };

/** Reads the authkey at `path`; the owner must be `requireUid` (default 0, root). */
export function loadAuthkey(path: string = DEFAULT_AUTHKEY_PATH, opts: { requireUid?: number } = {}): AuthkeyResult {
  const r = readSecretFile(path, { requireUid: opts.requireUid ?? 0, holding: "the key (mode 0600, owned by root)" });
  if (!r.ok) return r;
  const errors = [...r.errors];
  const got = keyFromBytes(r.bytes, path);
  if ("error" in got) errors.push(got.error);
  return errors.length > 0 || !("key" in got) ? { ok: false, errors } : { ok: true, key: got.key };
}
