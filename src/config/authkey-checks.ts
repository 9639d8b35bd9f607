// Rules for the authkey's content; the file itself follows the secret-file rules (secret-file.ts).
import type { ConfigError } from "./types.ts";

/** Shortest accepted key, in bytes (after stripping one trailing newline). */
export const MIN_KEY_BYTES = 32;

/** The key is the file content minus one trailing newline; it must be at least MIN_KEY_BYTES long. */
export function keyFromBytes(bytes: Uint8Array, path: string): { key: Uint8Array } | { error: ConfigError } {
  const key = bytes[bytes.length - 1] === 0x0a ? bytes.subarray(0, bytes.length - 1) : bytes;
  if (key.length >= MIN_KEY_BYTES) return { key: new Uint8Array(key) };
  const problem = `the key is ${key.length} bytes`;
  return { error: { file: path, key: "(length)", problem, expected: `at least ${MIN_KEY_BYTES} bytes (a generated key is 128 hex characters)` } };
}
