// Rules for the authkey file: a regular file, owned by the expected uid, mode 0600 or stricter, >= 32 bytes.
import { shellQuote } from "./shell-quote.ts";
import type { ConfigError } from "./types.ts";

/** Shortest accepted key, in bytes (after stripping one trailing newline). */
export const MIN_KEY_BYTES = 32;
/** Longest accepted key file, in bytes. */
export const MAX_KEY_FILE_BYTES = 65536;

/** The parts of a stat result the rules look at. */
export interface KeyFileStat {
  uid: number;
  mode: number;
  size: number;
  isFile(): boolean;
}

/** The command that fixes owner and mode. */
export function fixCommand(path: string, uid: number): string {
  const owner = uid === 0 ? "root:root" : String(uid);
  return `run: chown ${owner} ${shellQuote(path)} && chmod 0600 ${shellQuote(path)}`;
}

/** Errors for the file's type, owner, mode and size; empty when all is well. */
export function checkKeyFileStat(st: KeyFileStat, path: string, requireUid: number): ConfigError[] {
  const err = (key: string, problem: string, expected: string): ConfigError => ({ file: path, key, problem, expected });
  if (!st.isFile()) return [err("(file)", "not a regular file", "a regular file holding the key")];
  const errors: ConfigError[] = [];
  const who = requireUid === 0 ? "root (uid 0)" : `uid ${requireUid}`;
  if (st.uid !== requireUid) {
    errors.push(err("(owner)", `owned by uid ${st.uid}`, `owner ${who}; ${fixCommand(path, requireUid)}`));
  }
  const perms = st.mode & 0o7777;
  if ((perms & ~0o600) !== 0) {
    const octal = perms.toString(8).padStart(4, "0");
    const expected = `mode 0600 or stricter (no group or other permissions, no execute/setuid/sticky bits); ${fixCommand(path, requireUid)}`;
    errors.push(err("(mode)", `mode is ${octal}`, expected));
  }
  if (st.size > MAX_KEY_FILE_BYTES) {
    errors.push(err("(length)", `the file is ${st.size} bytes`, `at most ${MAX_KEY_FILE_BYTES} bytes`));
  }
  return errors;
}

/** The key is the file content minus one trailing newline; it must be at least MIN_KEY_BYTES long. */
export function keyFromBytes(bytes: Uint8Array, path: string): { key: Uint8Array } | { error: ConfigError } {
  const key = bytes[bytes.length - 1] === 0x0a ? bytes.subarray(0, bytes.length - 1) : bytes;
  if (key.length >= MIN_KEY_BYTES) return { key: new Uint8Array(key) };
  const problem = `the key is ${key.length} bytes`;
  return { error: { file: path, key: "(length)", problem, expected: `at least ${MIN_KEY_BYTES} bytes (a generated key is 128 hex characters)` } };
}
