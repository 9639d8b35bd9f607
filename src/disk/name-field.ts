// A node name inside a block: u8 length (1..32) then 32 reserved bytes, same alphabet as the wire protocol.

import { MAX_NAME_BYTES } from "../protocol/layout.ts";
import { nodeNameFromBytes, nodeNameProblem } from "../protocol/node-name.ts";
import type { BlockRejection } from "./result.ts";
import { malformed } from "./result.ts";

/** Bytes a name field occupies: the length byte plus the reserved name bytes. */
export const NAME_FIELD_BYTES = 1 + MAX_NAME_BYTES;

/** Why `name` cannot be stored, or undefined (1..32 of [A-Za-z0-9_.-]). */
export function nameFieldProblem(field: string, name: unknown): string | undefined {
  const problem = nodeNameProblem(name as string);
  return problem === undefined ? undefined : `${field}: ${problem}`;
}

/** Writes a validated name at `at`. */
export function writeNameField(bytes: Uint8Array, at: number, name: string): void {
  bytes[at] = name.length;
  for (let i = 0; i < name.length; i++) bytes[at + 1 + i] = name.charCodeAt(i);
}

/** Reads the name at `at`, or the rejection saying what is wrong with it. */
export function readNameField(bytes: Uint8Array, at: number, field: string): string | BlockRejection {
  const length = bytes[at] ?? 0;
  if (length < 1 || length > MAX_NAME_BYTES) return malformed(`${field} length: expected 1..${MAX_NAME_BYTES}, got ${length}`);
  const name = nodeNameFromBytes(bytes.subarray(at + 1, at + 1 + length));
  if (name === undefined) return malformed(`${field}: expected only [A-Za-z0-9_.-]`);
  for (let i = at + 1 + length; i < at + NAME_FIELD_BYTES; i++) {
    if (bytes[i] !== 0) return malformed(`${field}: expected zero padding after ${length} name bytes, got 0x${bytes[i]?.toString(16)} at byte ${i}`);
  }
  return name;
}
