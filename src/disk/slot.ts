// The slot layer: a slot's two records, the heartbeat its owner writes and the mailbox its peer writes (the
// message layer: the fencer's poison pill), over one shared prefix.
//
// The prefix shared by heartbeat slots and mailboxes: magic 8 | cluster id u32 | slot index u8 | kind byte u8 | name field,
// and their u64 fields at fixed offsets after it.

import type { Role } from "../core/types.ts";
import { ROLES } from "../core/types.ts";
import { MAX_NAME_BYTES } from "../protocol/layout.ts";
import { nodeNameFromBytes, nodeNameProblem } from "../protocol/node-name.ts";
import { isSafeU64, readU64, writeU64 } from "../protocol/u64.ts";
import type { BlockAuth, BlockRejection, BlockResult } from "./block.ts";
import { checkClusterAndMac, magicBytes, malformed, newBlock, openEnvelope, sealBlock, slotProblem } from "./block.ts";

/** Offsets of the shared prefix; u64 fields start at U64_AT (8 bytes each). */
const RECORD_AT = { clusterId: 8, slot: 12, kind: 13, name: 14 } as const;
const U64_AT = 48;

/** A record's decoded prefix. */
type RecordPrefix = { view: DataView; kindByte: number; name: string; u64s: number[] };

/** Why the prefix values cannot be encoded, or undefined. */
function recordProblem(
  slot: number,
  nameField: string,
  name: string,
  u64s: Record<string, number>,
): string | undefined {
  const problem = slotProblem(slot) ?? nameFieldProblem(nameField, name);
  if (problem !== undefined) return problem;
  for (const [field, value] of Object.entries(u64s)) {
    if (!isSafeU64(value)) return `${field}: expected an integer 0..${Number.MAX_SAFE_INTEGER}, got ${value}`;
  }
  return undefined;
}

/** An unsigned block with the prefix and u64 fields written (values already validated). */
function encodeRecord(
  magic: Uint8Array,
  auth: { clusterId: number },
  slot: number,
  kindByte: number,
  name: string,
  u64s: number[],
): Uint8Array {
  const { bytes, view } = newBlock(magic);
  view.setUint32(RECORD_AT.clusterId, auth.clusterId);
  view.setUint8(RECORD_AT.slot, slot);
  view.setUint8(RECORD_AT.kind, kindByte);
  writeNameField(bytes, RECORD_AT.name, name);
  for (const [i, value] of u64s.entries()) writeU64(view, U64_AT + 8 * i, value);
  return bytes;
}

/** Checks envelope, slot index, cluster id and HMAC, then reads the name and `u64Names.length` u64 fields. */
function decodeRecord(
  bytes: Uint8Array,
  magic: Uint8Array,
  slot: number,
  auth: BlockAuth,
  what: string,
  nameField: string,
  u64Names: readonly string[],
): RecordPrefix | BlockRejection {
  const view = openEnvelope(bytes, magic, what);
  if (!(view instanceof DataView)) return view;
  const storedSlot = view.getUint8(RECORD_AT.slot);
  if (storedSlot !== slot)
    return malformed(`${what}: expected slot index ${slot}, got ${storedSlot} (a block copied to the wrong place?)`);
  const rejected = checkClusterAndMac(bytes, view.getUint32(RECORD_AT.clusterId), auth, what);
  if (rejected) return rejected;
  const name = readNameField(bytes, RECORD_AT.name, `${what}: ${nameField}`);
  if (typeof name !== "string") return name;
  const u64s: number[] = [];
  for (const [i, field] of u64Names.entries()) {
    const value = readU64(view, U64_AT + 8 * i);
    if (value === undefined)
      return malformed(
        `${what}: ${field}: expected at most ${Number.MAX_SAFE_INTEGER}, got ${view.getBigUint64(U64_AT + 8 * i)}`,
      );
    u64s.push(value);
  }
  return { view, kindByte: view.getUint8(RECORD_AT.kind), name, u64s };
}

// A node name inside a block: u8 length (1..32) then 32 reserved bytes, same alphabet as the wire protocol.

/** Bytes a name field occupies: the length byte plus the reserved name bytes. */
const NAME_FIELD_BYTES = 1 + MAX_NAME_BYTES;

/** Why `name` cannot be stored, or undefined (1..32 of [A-Za-z0-9_.-]). */
function nameFieldProblem(field: string, name: unknown): string | undefined {
  const problem = nodeNameProblem(name as string);
  return problem === undefined ? undefined : `${field}: ${problem}`;
}

/** Writes a validated name at `at`. */
function writeNameField(bytes: Uint8Array, at: number, name: string): void {
  bytes[at] = name.length;
  for (let i = 0; i < name.length; i++) bytes[at + 1 + i] = name.charCodeAt(i);
}

/** Reads the name at `at`, or the rejection saying what is wrong with it. */
function readNameField(bytes: Uint8Array, at: number, field: string): string | BlockRejection {
  const length = bytes[at] ?? 0;
  if (length < 1 || length > MAX_NAME_BYTES)
    return malformed(`${field} length: expected 1..${MAX_NAME_BYTES}, got ${length}`);
  const name = nodeNameFromBytes(bytes.subarray(at + 1, at + 1 + length));
  if (name === undefined) return malformed(`${field}: expected only [A-Za-z0-9_.-]`);
  for (let i = at + 1 + length; i < at + NAME_FIELD_BYTES; i++) {
    if (bytes[i] !== 0)
      return malformed(
        `${field}: expected zero padding after ${length} name bytes, got 0x${bytes[i]?.toString(16)} at byte ${i}`,
      );
  }
  return name;
}

// A node's heartbeat slot: written only by the node that owns the slot, read by its peer.
//
//   magic "CGSLOT01" 8 | cluster id u32 | slot index u8 | role u8 (index into ROLES) | node name (u8 len + 32)
//   | pad | incarnation u64 @48 | seq u64 | written-at ms u64 | uptime ms u64 | writer u64 | watchdog ms u64
//   | priority + 1 u64 | zeros | HMAC @4064. Fields added after the first layout read as 0 in older slots: "not known".

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
  /**
   * A random number the writing process drew at its start (0 in slots from before the field, whose bytes were
   * zeros): two machines booted as one node tell each other's writes apart by it even under one incarnation.
   */
  writer?: number;
  /**
   * The timeout of the watchdog the writer keeps armed and petted while its mailbox reads clean, in ms; 0 when it
   * keeps none (or in a slot from before the field). The peer's poison pill counts as a fence only against a boot
   * whose slot showed one short enough for msgwait (docs/design.md, row 18.1).
   */
  watchdogMs?: number;
  /** The writer's own priority, as its config says (absent in slots from before the field). */
  priority?: number;
};

const SLOT_U64_FIELDS = ["incarnation", "seq", "writtenAt", "uptimeMs", "writer", "watchdogMs", "priority1"] as const;

/** Encodes and signs `s` for slot `slot`; throws RangeError naming the invalid field. */
export function encodeSlot(s: HeartbeatSlot, slot: number, auth: BlockAuth): Uint8Array {
  const u64s = {
    incarnation: s.incarnation,
    seq: s.seq,
    writtenAt: s.writtenAt,
    uptimeMs: s.uptimeMs,
    writer: s.writer ?? 0,
    watchdogMs: s.watchdogMs ?? 0,
    // Stored plus one: 0 stays "not known" (a slot from before the field), as priority 0 is a valid priority.
    priority1: s.priority === undefined ? 0 : s.priority + 1,
  };
  let problem = recordProblem(slot, "node", s.node, u64s);
  if (problem === undefined && !ROLES.includes(s.role))
    problem = `role: expected one of ${ROLES.join(", ")}, got ${String(s.role)}`;
  if (problem !== undefined) throw new RangeError(`encodeSlot: ${problem}`);
  const bytes = encodeRecord(
    SLOT_MAGIC,
    auth,
    slot,
    ROLES.indexOf(s.role),
    s.node,
    SLOT_U64_FIELDS.map((f) => u64s[f]),
  );
  return sealBlock(bytes, auth.key, "encodeSlot");
}

/** Decodes and authenticates the heartbeat block read from slot `slot`; never throws. */
export function decodeSlot(bytes: Uint8Array, slot: number, auth: BlockAuth): BlockResult<HeartbeatSlot> {
  try {
    const what = `slot ${slot} heartbeat`;
    const r = decodeRecord(bytes, SLOT_MAGIC, slot, auth, what, "node name", SLOT_U64_FIELDS);
    if ("kind" in r) return r;
    const role = ROLES[r.kindByte];
    if (role === undefined) return malformed(`${what}: role: expected index 0..${ROLES.length - 1}, got ${r.kindByte}`);
    const [incarnation = 0, seq = 0, writtenAt = 0, uptimeMs = 0, writer = 0, watchdogMs = 0, priority1 = 0] = r.u64s;
    return {
      kind: "ok",
      value: {
        node: r.name,
        incarnation,
        seq,
        role,
        writtenAt,
        uptimeMs,
        writer,
        ...(watchdogMs > 0 ? { watchdogMs } : {}),
        ...(priority1 > 0 ? { priority: priority1 - 1 } : {}),
      },
    };
  } catch (error) {
    return malformed(`slot ${slot} heartbeat: internal decoder error: ${String(error)}`);
  }
}

// A node's mailbox: written only by its PEER (the fencer's poison pill), read by the node that owns the slot.
//
//   magic "CGMBOX01" 8 | cluster id u32 | slot index u8 | message type u8 | sender name (u8 len + 32)
//   | pad | sender incarnation u64 @48 | seq u64 | written-at ms u64 | target incarnation u64 | zeros | HMAC @4064.

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

const MAILBOX_U64_FIELDS = ["senderIncarnation", "seq", "writtenAt", "targetIncarnation"] as const;

/** Encodes and signs `m` for the mailbox of slot `slot`; throws RangeError naming the invalid field. */
export function encodeMailbox(m: MailboxMessage, slot: number, auth: BlockAuth): Uint8Array {
  const u64s = {
    senderIncarnation: m.senderIncarnation,
    seq: m.seq,
    writtenAt: m.writtenAt,
    targetIncarnation: m.targetIncarnation,
  };
  let problem = recordProblem(slot, "sender", m.sender, u64s);
  if (problem === undefined && !MAILBOX_TYPES.includes(m.type))
    problem = `type: expected one of ${MAILBOX_TYPES.join(", ")}, got ${String(m.type)}`;
  if (problem !== undefined) throw new RangeError(`encodeMailbox: ${problem}`);
  const bytes = encodeRecord(
    MAILBOX_MAGIC,
    auth,
    slot,
    MAILBOX_TYPES.indexOf(m.type),
    m.sender,
    MAILBOX_U64_FIELDS.map((f) => u64s[f]),
  );
  return sealBlock(bytes, auth.key, "encodeMailbox");
}

/** Decodes and authenticates the mailbox block read from slot `slot`; never throws. */
export function decodeMailbox(bytes: Uint8Array, slot: number, auth: BlockAuth): BlockResult<MailboxMessage> {
  try {
    const what = `slot ${slot} mailbox`;
    const r = decodeRecord(bytes, MAILBOX_MAGIC, slot, auth, what, "sender name", MAILBOX_U64_FIELDS);
    if ("kind" in r) return r;
    const type = MAILBOX_TYPES[r.kindByte];
    if (type === undefined)
      return malformed(`${what}: message type: expected 0..${MAILBOX_TYPES.length - 1}, got ${r.kindByte}`);
    const [senderIncarnation = 0, seq = 0, writtenAt = 0, targetIncarnation = 0] = r.u64s;
    return { kind: "ok", value: { type, sender: r.name, senderIncarnation, seq, writtenAt, targetIncarnation } };
  } catch (error) {
    return malformed(`slot ${slot} mailbox: internal decoder error: ${String(error)}`);
  }
}

// Whether a peer's heartbeat slot moved forward: a higher incarnation (it rebooted), or the same one with a higher seq.

/** The (incarnation, seq) pair last reported. */
export type Progress = { incarnation: number; seq: number };

/** True when `next` is strictly after `last` (or nothing was reported yet). */
export function advanced(last: Progress | undefined, next: Progress): boolean {
  if (last === undefined) return true;
  return next.incarnation > last.incarnation || (next.incarnation === last.incarnation && next.seq > last.seq);
}
