// The sector layer (sbd's sector): where each block of the area sits, the envelope every block shares, and what
// decoding one returns; header.ts and slot.ts build their records on it.
//
// Placement of the heartbeat area on the shared disk: one header block, then per slot a heartbeat block and a mailbox block.
//
//   block 0        header   (written by `disk init` only)
//   block 1 + 2*i  slot i's HEARTBEAT (written only by the node that owns slot i)
//   block 2 + 2*i  slot i's MAILBOX   (written only by the peer: the fencer's poison pill)
//
// Every block is 4096 bytes and 4096-aligned, so O_DIRECT works on 4Kn and 512e disks.
// Every block ends with HMAC-SHA256 over all its preceding bytes; integers are big-endian.

import { computeMac, macMatches } from "../protocol/mac.ts";

/** Size and alignment of every on-disk structure, in bytes. */
export const BLOCK_SIZE = 4096;

/** Length of the trailing HMAC-SHA256 of each block. */
export const BLOCK_MAC_BYTES = 32;

/** Offset of the trailing HMAC inside a block: it covers bytes 0..MAC_AT-1. */
export const MAC_AT = BLOCK_SIZE - BLOCK_MAC_BYTES;

/** Layout version written in the header by this code and the only one it accepts. */
export const LAYOUT_VERSION = 1;

/** Slots in a two-node cluster's area. */
export const SLOT_COUNT = 2;

/** Blocks the area occupies: header + (heartbeat + mailbox) per slot. */
export const AREA_BLOCKS = 1 + 2 * SLOT_COUNT;

/** Bytes the area occupies from its offset. */
export const AREA_BYTES = AREA_BLOCKS * BLOCK_SIZE;

/** Block index of the header. */
export const HEADER_BLOCK = 0;

/** Block index of slot `i`'s heartbeat (its owner writes it). */
export function heartbeatBlock(slot: number): number {
  return 1 + 2 * slot;
}

/** Block index of slot `i`'s mailbox (the peer writes it). */
export function mailboxBlock(slot: number): number {
  return 2 + 2 * slot;
}

/** Why `slot` is not a valid slot index, or undefined. */
export function slotProblem(slot: unknown): string | undefined {
  if (typeof slot === "number" && Number.isInteger(slot) && slot >= 0 && slot < SLOT_COUNT) return undefined;
  return `slot: expected an integer 0..${SLOT_COUNT - 1}, got ${typeof slot === "number" ? slot : typeof slot}`;
}

/** Why `offset` cannot start a heartbeat area, or undefined. */
export function offsetProblem(offset: unknown): string | undefined {
  if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0 && offset % BLOCK_SIZE === 0)
    return undefined;
  return `offset: expected a non-negative multiple of ${BLOCK_SIZE} bytes, got ${typeof offset === "number" ? offset : typeof offset}`;
}

// The envelope: a 4096-byte block with a magic, a cluster id and a trailing HMAC over everything before it.
//
// Common prefix of every block:  magic 8 | (header: version u16 ...) ; slots and mailboxes: clusterId u32 at 8.
// Check order (as in the wire protocol): size -> blank -> magic -> structure -> cluster id -> HMAC -> fields.

/** The authkey and the cluster id a block must carry to be accepted. */
export type BlockAuth = { key: Uint8Array; clusterId: number };

/** ASCII bytes of an 8-character magic. */
export function magicBytes(text: string): Uint8Array {
  return new Uint8Array(Array.from(text, (c) => c.charCodeAt(0)));
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const printable = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");

/** A zeroed block to encode into, with a DataView over it. */
export function newBlock(magic: Uint8Array): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(BLOCK_SIZE);
  bytes.set(magic, 0);
  return { bytes, view: new DataView(bytes.buffer) };
}

/** Writes the trailing HMAC of `bytes` in place and returns it; throws RangeError on an empty key. */
export function sealBlock(bytes: Uint8Array, key: Uint8Array, who: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length === 0) {
    throw new RangeError(`${who}: key: expected a non-empty Uint8Array, got ${key?.length ?? typeof key} bytes`);
  }
  bytes.set(computeMac(key, bytes.subarray(0, MAC_AT)), MAC_AT);
  return bytes;
}

/** True when every byte is zero; word by word (this runs on every block read, several times a second). */
function allZero(bytes: Uint8Array): boolean {
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : null;
  if (words) {
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    for (let i = words.length * 4; i < bytes.length; i++) if (bytes[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Checks size, blankness and magic; returns a DataView to go on, or the rejection. */
export function openEnvelope(bytes: Uint8Array, magic: Uint8Array, what: string): DataView | BlockRejection {
  if (!(bytes instanceof Uint8Array)) return malformed(`${what}: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length !== BLOCK_SIZE) return malformed(`${what}: expected ${BLOCK_SIZE} bytes, got ${bytes.length}`);
  const found = bytes.subarray(0, magic.length);
  if (!found.every((b, i) => b === magic[i])) {
    if (allZero(bytes)) return { kind: "empty", detail: `${what}: all ${BLOCK_SIZE} bytes are zero` };
    const text = printable(magic);
    return {
      kind: "bad-magic",
      detail: `${what}: expected magic "${text}", got ${hex(found)} ("${printable(found)}")`,
    };
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Checks the block's cluster id, then its HMAC; returns the rejection, or undefined when both hold. */
export function checkClusterAndMac(
  bytes: Uint8Array,
  clusterId: number,
  auth: BlockAuth,
  what: string,
): BlockRejection | undefined {
  if (clusterId !== auth.clusterId) {
    const detail = `${what}: expected cluster id ${idText(auth.clusterId)}, got ${idText(clusterId)} (another cluster's disk?)`;
    return { kind: "foreign-cluster", clusterId, detail };
  }
  const key = auth.key;
  if (!(key instanceof Uint8Array) || !macMatchesOnce(key, bytes)) {
    return {
      kind: "bad-auth",
      detail: `${what}: the HMAC does not match this authkey (different key, or a corrupted block)`,
    };
  }
  return undefined;
}

/**
 * The last few blocks whose HMAC held, byte for byte, with the key they held under. A node reads the same blocks
 * several times a second (the peer's slot between two of its writes, an unchanged mailbox, its own slot read back):
 * a block identical to one already proven authentic is authentic under the same key, and comparing 4 KiB costs a
 * fraction of hashing them again. Only proven blocks enter; anything else is hashed in full.
 */
const VERIFIED_MAX = 8;
const verified: { key: Buffer; block: Buffer }[] = [];

function macMatchesOnce(key: Uint8Array, bytes: Uint8Array): boolean {
  const block = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keyView = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  for (const v of verified) if (v.block.equals(block) && v.key.equals(keyView)) return true;
  if (!macMatches(key, bytes.subarray(0, MAC_AT), bytes.subarray(MAC_AT))) return false;
  if (verified.length >= VERIFIED_MAX) verified.shift();
  verified.push({ key: Buffer.from(keyView), block: Buffer.from(block) });
  return true;
}

/** A cluster id as 0x-prefixed 8-digit hex. */
export function idText(clusterId: number): string {
  return `0x${(clusterId >>> 0).toString(16).padStart(8, "0")}`;
}

// The tagged result of decoding one on-disk block: decoding never throws.

/** Why a block was not accepted; `detail` says what was expected and what arrived. */
export type BlockRejection =
  | { kind: "empty"; detail: string }
  | { kind: "bad-magic"; detail: string }
  | { kind: "malformed"; detail: string }
  | { kind: "foreign-cluster"; clusterId: number; detail: string }
  | { kind: "bad-auth"; detail: string };

/** What decoding one block produced. */
export type BlockResult<T> = { kind: "ok"; value: T } | BlockRejection;

/** Every kind a decode can return, for tests and dumps. */
export const BLOCK_RESULT_KINDS = ["ok", "empty", "bad-magic", "malformed", "foreign-cluster", "bad-auth"] as const;

/** A "malformed" rejection. */
export function malformed(detail: string): BlockRejection {
  return { kind: "malformed", detail };
}

/** One line for a result: "ok" or "<kind>: <detail>". */
export function describeRejection(result: BlockResult<unknown>): string {
  return result.kind === "ok" ? "ok" : `${result.kind}: ${result.detail}`;
}
