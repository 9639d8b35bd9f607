// The prefix shared by heartbeat slots and mailboxes: magic 8 | cluster id u32 | slot index u8 | kind byte u8 | name field,
// and their u64 fields at fixed offsets after it.

import { isSafeU64, readU64, writeU64 } from "../protocol/u64.ts";
import type { BlockAuth } from "./block.ts";
import { checkClusterAndMac, newBlock, openEnvelope } from "./block.ts";
import { slotProblem } from "./layout.ts";
import { nameFieldProblem, readNameField, writeNameField } from "./name-field.ts";
import type { BlockRejection } from "./result.ts";
import { malformed } from "./result.ts";

/** Offsets of the shared prefix; u64 fields start at U64_AT (8 bytes each). */
export const RECORD_AT = { clusterId: 8, slot: 12, kind: 13, name: 14 } as const;
export const U64_AT = 48;

/** A record's decoded prefix. */
export type RecordPrefix = { view: DataView; kindByte: number; name: string; u64s: number[] };

/** Why the prefix values cannot be encoded, or undefined. */
export function recordProblem(slot: number, nameField: string, name: string, u64s: Record<string, number>): string | undefined {
  const problem = slotProblem(slot) ?? nameFieldProblem(nameField, name);
  if (problem !== undefined) return problem;
  for (const [field, value] of Object.entries(u64s)) {
    if (!isSafeU64(value)) return `${field}: expected an integer 0..${Number.MAX_SAFE_INTEGER}, got ${value}`;
  }
  return undefined;
}

/** An unsigned block with the prefix and u64 fields written (values already validated). */
export function encodeRecord(magic: Uint8Array, auth: { clusterId: number }, slot: number, kindByte: number, name: string, u64s: number[]): Uint8Array {
  const { bytes, view } = newBlock(magic);
  view.setUint32(RECORD_AT.clusterId, auth.clusterId);
  view.setUint8(RECORD_AT.slot, slot);
  view.setUint8(RECORD_AT.kind, kindByte);
  writeNameField(bytes, RECORD_AT.name, name);
  u64s.forEach((value, i) => writeU64(view, U64_AT + 8 * i, value));
  return bytes;
}

/** Checks envelope, slot index, cluster id and HMAC, then reads the name and `u64Names.length` u64 fields. */
export function decodeRecord(bytes: Uint8Array, magic: Uint8Array, slot: number, auth: BlockAuth, what: string, nameField: string, u64Names: readonly string[]): RecordPrefix | BlockRejection {
  const view = openEnvelope(bytes, magic, what);
  if (!(view instanceof DataView)) return view;
  const storedSlot = view.getUint8(RECORD_AT.slot);
  if (storedSlot !== slot) return malformed(`${what}: expected slot index ${slot}, got ${storedSlot} (a block copied to the wrong place?)`);
  const rejected = checkClusterAndMac(bytes, view.getUint32(RECORD_AT.clusterId), auth, what);
  if (rejected) return rejected;
  const name = readNameField(bytes, RECORD_AT.name, `${what}: ${nameField}`);
  if (typeof name !== "string") return name;
  const u64s: number[] = [];
  for (const [i, field] of u64Names.entries()) {
    const value = readU64(view, U64_AT + 8 * i);
    if (value === undefined) return malformed(`${what}: ${field}: expected at most ${Number.MAX_SAFE_INTEGER}, got ${view.getBigUint64(U64_AT + 8 * i)}`);
    u64s.push(value);
  }
  return { view, kindByte: view.getUint8(RECORD_AT.kind), name, u64s };
}
