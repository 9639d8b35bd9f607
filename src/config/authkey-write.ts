// Creates a new authkey atomically: 64 random bytes as hex plus a newline, mode 0600 from the start.
import { randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, fsyncSync, linkSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DEFAULT_AUTHKEY_PATH } from "./locations.ts";
import type { ConfigError } from "./types.ts";

/** Random bytes in a generated key (written as 128 hex characters). */
export const GENERATED_KEY_BYTES = 64;

/** ok, or why the key could not be written. */
export type WriteResult = { ok: true } | { ok: false; errors: ConfigError[] };

/** Writes a fresh key to `path`; an existing file is replaced only with force. */
export function writeAuthkey(path: string = DEFAULT_AUTHKEY_PATH, opts: { force?: boolean } = {}): WriteResult {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeNewFile(tmp, `${randomBytes(GENERATED_KEY_BYTES).toString("hex")}\n`);
    // link() fails with EEXIST instead of replacing: no-clobber without a check-then-write race.
    if (opts.force) renameSync(tmp, path);
    else linkSync(tmp, path);
    syncDir(dirname(path));
    return { ok: true };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EEXIST") {
      return fail(path, "the file already exists", "no existing key file (use force to replace it; the peer needs the same key)");
    }
    return fail(path, `cannot write the key file (${code ?? String(e)})`, "a writable directory");
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed, or never created
    }
  }
}

/** Creates `file` exclusively with mode 0600 (whatever the umask), writes and fsyncs it. */
function writeNewFile(file: string, content: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    const bytes = Buffer.from(content);
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the rename/link durable; best effort. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems refuse fsync on directories
  }
}

function fail(file: string, problem: string, expected: string): WriteResult {
  return { ok: false, errors: [{ file, key: "(file)", problem, expected }] };
}
