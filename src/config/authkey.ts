// Loads the shared secret, refusing files that others could read or that root does not own.
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { checkKeyFileStat, keyFromBytes } from "./authkey-checks.ts";
import { DEFAULT_AUTHKEY_PATH } from "./locations.ts";
import type { ConfigError } from "./types.ts";

export { writeAuthkey } from "./authkey-write.ts";

/** The key bytes, or every problem with the file. */
export type AuthkeyResult = { ok: true; key: Uint8Array } | { ok: false; errors: ConfigError[] };

/** Reads the authkey at `path`; the owner must be `requireUid` (default 0, root). */
export function loadAuthkey(path: string = DEFAULT_AUTHKEY_PATH, opts: { requireUid?: number } = {}): AuthkeyResult {
  let fd: number;
  try {
    // Non-blocking so a FIFO planted at the path cannot hang the boot; fstat then judges the opened file.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const reason = (e as { code?: string }).code ?? String(e);
    return { ok: false, errors: [{ file: path, key: "(file)", problem: `cannot open the key file (${reason})`, expected: "a readable key file (mode 0600, owned by root)" }] };
  }
  try {
    const st = fstatSync(fd);
    const errors = checkKeyFileStat(st, path, opts.requireUid ?? 0);
    if (!st.isFile() || errors.some((e) => e.key === "(length)")) return { ok: false, errors };
    const got = keyFromBytes(readFileSync(fd), path);
    if ("error" in got) errors.push(got.error);
    return errors.length > 0 || !("key" in got) ? { ok: false, errors } : { ok: true, key: got.key };
  } finally {
    closeSync(fd);
  }
}
