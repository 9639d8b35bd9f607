// The sector layer: a 4096-byte block with a magic, a cluster id and a trailing HMAC over everything before it.
//
// Common prefix of every block:  magic 8 | (header: version u16 ...) ; slots and mailboxes: clusterId u32 at 8.
// Check order (as in the wire protocol): size -> blank -> magic -> structure -> cluster id -> HMAC -> fields.

import { computeMac, macMatches } from "../protocol/mac.ts";
import { BLOCK_SIZE, MAC_AT } from "./layout.ts";
import type { BlockRejection } from "./result.ts";
import { malformed } from "./result.ts";

/** The authkey and the cluster id a block must carry to be accepted. */
export type BlockAuth = { key: Uint8Array; clusterId: number };

/** ASCII bytes of an 8-character magic. */
export function magicBytes(text: string): Uint8Array {
  return new Uint8Array(Array.from(text, (c) => c.charCodeAt(0)));
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const printable = (bytes: Uint8Array): string => Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");

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

/** Checks size, blankness and magic; returns a DataView to go on, or the rejection. */
export function openEnvelope(bytes: Uint8Array, magic: Uint8Array, what: string): DataView | BlockRejection {
  if (!(bytes instanceof Uint8Array)) return malformed(`${what}: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length !== BLOCK_SIZE) return malformed(`${what}: expected ${BLOCK_SIZE} bytes, got ${bytes.length}`);
  if (bytes.every((b) => b === 0)) return { kind: "empty", detail: `${what}: all ${BLOCK_SIZE} bytes are zero` };
  const found = bytes.subarray(0, magic.length);
  if (!found.every((b, i) => b === magic[i])) {
    const text = printable(magic);
    return { kind: "bad-magic", detail: `${what}: expected magic "${text}", got ${hex(found)} ("${printable(found)}")` };
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Checks the block's cluster id, then its HMAC; returns the rejection, or undefined when both hold. */
export function checkClusterAndMac(bytes: Uint8Array, clusterId: number, auth: BlockAuth, what: string): BlockRejection | undefined {
  if (clusterId !== auth.clusterId) {
    const detail = `${what}: expected cluster id ${idText(auth.clusterId)}, got ${idText(clusterId)} (another cluster's disk?)`;
    return { kind: "foreign-cluster", clusterId, detail };
  }
  const key = auth.key;
  if (!(key instanceof Uint8Array) || !macMatches(key, bytes.subarray(0, MAC_AT), bytes.subarray(MAC_AT))) {
    return { kind: "bad-auth", detail: `${what}: the HMAC does not match this authkey (different key, or a corrupted block)` };
  }
  return undefined;
}

/** A cluster id as 0x-prefixed 8-digit hex. */
export function idText(clusterId: number): string {
  return `0x${(clusterId >>> 0).toString(16).padStart(8, "0")}`;
}
