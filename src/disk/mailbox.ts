// A node's mailbox: written only by its PEER (the fencer's poison pill), read by the node that owns the slot.
//
//   magic "CGMBOX01" 8 | cluster id u32 | slot index u8 | message type u8 | sender name (u8 len + 32)
//   | pad | sender incarnation u64 @48 | seq u64 | written-at ms u64 | target incarnation u64 | zeros | HMAC @4064.

import type { BlockAuth } from "./block.ts";
import { magicBytes, sealBlock } from "./block.ts";
import { decodeRecord, encodeRecord, recordProblem } from "./record.ts";
import type { BlockResult } from "./result.ts";
import { malformed } from "./result.ts";

/** First 8 bytes of a mailbox block. */
export const MAILBOX_MAGIC = magicBytes("CGMBOX01");

/** Message types by their on-disk number: 0 none (cleared), 1 reset, 2 power off, 3 test. */
export const MAILBOX_TYPES = ["none", "reset", "off", "test"] as const;
export type MailboxType = (typeof MAILBOX_TYPES)[number];

/** One message in a mailbox. */
export type MailboxMessage = {
  type: MailboxType;
  /** The node that wrote it (the fencer). */
  sender: string;
  senderIncarnation: number;
  seq: number;
  /** Sender's wall clock (ms since the epoch) at the write. */
  writtenAt: number;
  /** The slot owner's boot incarnation the sender knew when it wrote (0: unknown): a later boot proves the pill worked. */
  targetIncarnation: number;
};

const U64_FIELDS = ["senderIncarnation", "seq", "writtenAt", "targetIncarnation"] as const;

/** Encodes and signs `m` for the mailbox of slot `slot`; throws RangeError naming the invalid field. */
export function encodeMailbox(m: MailboxMessage, slot: number, auth: BlockAuth): Uint8Array {
  const u64s = { senderIncarnation: m.senderIncarnation, seq: m.seq, writtenAt: m.writtenAt, targetIncarnation: m.targetIncarnation };
  let problem = recordProblem(slot, "sender", m.sender, u64s);
  if (problem === undefined && !MAILBOX_TYPES.includes(m.type)) problem = `type: expected one of ${MAILBOX_TYPES.join(", ")}, got ${String(m.type)}`;
  if (problem !== undefined) throw new RangeError(`encodeMailbox: ${problem}`);
  const bytes = encodeRecord(MAILBOX_MAGIC, auth, slot, MAILBOX_TYPES.indexOf(m.type), m.sender, U64_FIELDS.map((f) => u64s[f]));
  return sealBlock(bytes, auth.key, "encodeMailbox");
}

/** Decodes and authenticates the mailbox block read from slot `slot`; never throws. */
export function decodeMailbox(bytes: Uint8Array, slot: number, auth: BlockAuth): BlockResult<MailboxMessage> {
  try {
    const what = `slot ${slot} mailbox`;
    const r = decodeRecord(bytes, MAILBOX_MAGIC, slot, auth, what, "sender name", U64_FIELDS);
    if ("kind" in r) return r;
    const type = MAILBOX_TYPES[r.kindByte];
    if (type === undefined) return malformed(`${what}: message type: expected 0..${MAILBOX_TYPES.length - 1}, got ${r.kindByte}`);
    const [senderIncarnation = 0, seq = 0, writtenAt = 0, targetIncarnation = 0] = r.u64s;
    return { kind: "ok", value: { type, sender: r.name, senderIncarnation, seq, writtenAt, targetIncarnation } };
  } catch (error) {
    return malformed(`slot ${slot} mailbox: internal decoder error: ${String(error)}`);
  }
}
