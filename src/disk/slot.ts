// A node's heartbeat slot: written only by the node that owns the slot, read by its peer.
//
//   magic "CGSLOT01" 8 | cluster id u32 | slot index u8 | role u8 (index into ROLES) | node name (u8 len + 32)
//   | pad | incarnation u64 @48 | seq u64 | written-at ms u64 | uptime ms u64 | zeros | HMAC @4064.

import type { Role } from "../core/types.ts";
import { ROLES } from "../core/types.ts";
import type { BlockAuth } from "./block.ts";
import { magicBytes, sealBlock } from "./block.ts";
import { decodeRecord, encodeRecord, recordProblem } from "./record.ts";
import type { BlockResult } from "./result.ts";
import { malformed } from "./result.ts";

/** First 8 bytes of a heartbeat slot block. */
export const SLOT_MAGIC = magicBytes("CGSLOT01");

/** What a node publishes in its slot at every keepalive. */
export type HeartbeatSlot = {
  node: string;
  /** The writer's boot incarnation. */
  incarnation: number;
  /** Increases with every write within one incarnation. */
  seq: number;
  role: Role;
  /** Writer's wall clock (ms since the epoch) at the write. */
  writtenAt: number;
  /** Writer's system uptime in ms (monotonic within a boot). */
  uptimeMs: number;
};

const U64_FIELDS = ["incarnation", "seq", "writtenAt", "uptimeMs"] as const;

/** Encodes and signs `s` for slot `slot`; throws RangeError naming the invalid field. */
export function encodeSlot(s: HeartbeatSlot, slot: number, auth: BlockAuth): Uint8Array {
  const u64s = { incarnation: s.incarnation, seq: s.seq, writtenAt: s.writtenAt, uptimeMs: s.uptimeMs };
  let problem = recordProblem(slot, "node", s.node, u64s);
  if (problem === undefined && !ROLES.includes(s.role)) problem = `role: expected one of ${ROLES.join(", ")}, got ${String(s.role)}`;
  if (problem !== undefined) throw new RangeError(`encodeSlot: ${problem}`);
  const bytes = encodeRecord(SLOT_MAGIC, auth, slot, ROLES.indexOf(s.role), s.node, U64_FIELDS.map((f) => u64s[f]));
  return sealBlock(bytes, auth.key, "encodeSlot");
}

/** Decodes and authenticates the heartbeat block read from slot `slot`; never throws. */
export function decodeSlot(bytes: Uint8Array, slot: number, auth: BlockAuth): BlockResult<HeartbeatSlot> {
  try {
    const what = `slot ${slot} heartbeat`;
    const r = decodeRecord(bytes, SLOT_MAGIC, slot, auth, what, "node name", U64_FIELDS);
    if ("kind" in r) return r;
    const role = ROLES[r.kindByte];
    if (role === undefined) return malformed(`${what}: role: expected index 0..${ROLES.length - 1}, got ${r.kindByte}`);
    const [incarnation = 0, seq = 0, writtenAt = 0, uptimeMs = 0] = r.u64s;
    return { kind: "ok", value: { node: r.name, incarnation, seq, role, writtenAt, uptimeMs } };
  } catch (error) {
    return malformed(`slot ${slot} heartbeat: internal decoder error: ${String(error)}`);
  }
}
