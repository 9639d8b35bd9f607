// Secret files and the authkey. Every secret file (the authkey, management.token_file, a fence level's
// password_file) is a regular file owned by the expected uid, mode 0600 or stricter, at most 64 KiB, read through
// the one bounded reader (load.ts). The authkey is loaded refusing files others could read or root does not own,
// and written atomically, mode 0600 from the start.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { DEFAULT_AUTHKEY_PATH, readBounded, type BoundedRead } from "./load.ts";
import { keyPath } from "./toml-tokens.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";

// The rule for every secret file, and `config check`'s check of the ones a config names.

/** Longest accepted secret file, in bytes: keys, tokens and passwords are far shorter. */
export const MAX_SECRET_FILE_BYTES = 65536;

/** What the rules need to know about one secret file. */
export interface SecretSpec {
  /** The owner the file must have: root (0) in production, the running user in tests. */
  requireUid: number;
  /** What the file holds, for messages: "the key", "the access token". */
  holding: string;
  /** The config key that names the file (management.token_file); every error then carries it as its key. */
  configKey?: string;
}

/** The command that fixes owner and mode. */
export function fixCommand(path: string, uid: number): string {
  const owner = uid === 0 ? "root:root" : String(uid);
  return `run: chown ${owner} ${shellQuote(path)} && chmod 0600 ${shellQuote(path)}`;
}

/** Errors for the owner and the permission bits of an opened regular file; empty when both are right. */
export function checkSecretStat(st: Pick<Stats, "uid" | "mode">, path: string, requireUid: number): ConfigError[] {
  const errors: ConfigError[] = [];
  const who = requireUid === 0 ? "root (uid 0)" : `uid ${requireUid}`;
  if (st.uid !== requireUid) {
    errors.push({
      file: path,
      key: "(owner)",
      problem: `owned by uid ${st.uid}`,
      expected: `owner ${who}; ${fixCommand(path, requireUid)}`,
    });
  }
  const perms = st.mode & 0o7777;
  if ((perms & ~0o600) !== 0) {
    const octal = perms.toString(8).padStart(4, "0");
    const expected = `mode 0600 or stricter (no group or other permissions, no execute/setuid/sticky bits); ${fixCommand(path, requireUid)}`;
    errors.push({ file: path, key: "(mode)", problem: `mode is ${octal}`, expected });
  }
  return errors;
}

/**
 * Reads a secret file: refused when it is not a regular file (a FIFO, a device, a directory; a symlink is followed
 * and its target judged) or too big; owner and mode errors come back with the content, so all are reported at once.
 */
export function readSecretFile(path: string, spec: SecretSpec): BoundedRead {
  const r = readBounded(path, {
    maxBytes: MAX_SECRET_FILE_BYTES,
    holding: spec.holding,
    check: (st) => checkSecretStat(st, path, spec.requireUid),
  });
  const key = spec.configKey;
  if (key === undefined) return r;
  const relabel = (e: ConfigError): ConfigError => ({ ...e, key });
  return r.ok ? { ...r, errors: r.errors.map(relabel) } : { ok: false, errors: r.errors.map(relabel) };
}

/** The uid secret files must belong to when read at run time: the running user (root in production). */
export function runningUid(): number {
  return process.getuid?.() ?? 0;
}

/** A secret file's content when every rule holds, else one line naming each problem. */
export function readSecretOrWhy(path: string, spec: SecretSpec): { bytes: Uint8Array } | { why: string } {
  const r = readSecretFile(path, spec);
  const errors = r.errors;
  if (r.ok && errors.length === 0) return { bytes: r.bytes };
  return { why: errors.map((e) => `${e.file}: ${e.key}: ${e.problem}; expected ${e.expected}`).join("; ") };
}

/** The secret files a config names (management.token_file, web.readonly_token_file, each ipmi/redfish password_file), checked as at run time. */
export function checkConfigSecrets(config: ClusterConfig, requireUid: number): ConfigError[] {
  const files: [string, string, string][] = [];
  if (config.management.token_file !== undefined)
    files.push([config.management.token_file, "management.token_file", "the access token"]);
  if (config.web.readonly_token_file !== undefined)
    files.push([config.web.readonly_token_file, "web.readonly_token_file", "the console's read-only token"]);
  config.fencing.level.forEach((a, i) => {
    if (a.type === "ipmi" || a.type === "redfish")
      files.push([a.password_file, keyPath(["fencing", "level", i, "password_file"]), "the BMC password"]);
  });
  return files.flatMap(([path, configKey, holding]) => readSecretFile(path, { requireUid, holding, configKey }).errors);
}

// Quoting a path for the copy-paste fix-it commands in messages.

/** Returns `s` unchanged when it is shell-safe, else single-quoted. */
function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.:@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

// Loads the shared secret, refusing files that others could read or that root does not own.

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

// Rules for the authkey's content; the file itself follows the secret-file rules (above).

/** Shortest accepted key, in bytes (after stripping one trailing newline). */
export const MIN_KEY_BYTES = 32;

/** The key is the file content minus one trailing newline; it must be at least MIN_KEY_BYTES long. */
export function keyFromBytes(bytes: Uint8Array, path: string): { key: Uint8Array } | { error: ConfigError } {
  const key = bytes[bytes.length - 1] === 0x0a ? bytes.subarray(0, bytes.length - 1) : bytes;
  if (key.length >= MIN_KEY_BYTES) return { key: new Uint8Array(key) };
  const problem = `the key is ${key.length} bytes`;
  return {
    error: {
      file: path,
      key: "(length)",
      problem,
      expected: `at least ${MIN_KEY_BYTES} bytes (a generated key is 128 hex characters)`,
    },
  };
}

// Creates a new authkey atomically: 64 random bytes as hex plus a newline, mode 0600 from the start.

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
      return fail(
        path,
        "the file already exists",
        "no existing key file (use force to replace it; the peer needs the same key)",
      );
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
