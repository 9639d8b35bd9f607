// The header block (block 0): what the area is, whose it is and its timers.
//
//   magic "CGDISK01" 8 | layout version u16 | block size u32 | slot count u16 | cluster id u32
//   | keepalive u32 | deadtime u32 | msgwait u32 | watchdog timeout u32 (all ms) | created-at ms u64
//   | zeros | HMAC-SHA256 over bytes 0..4063 at 4064.

import { isSafeU64, readU64, writeU64 } from "../protocol/u64.ts";
import type { BlockAuth, BlockResult } from "./block.ts";
import {
  BLOCK_SIZE,
  checkClusterAndMac,
  LAYOUT_VERSION,
  magicBytes,
  malformed,
  newBlock,
  openEnvelope,
  SLOT_COUNT,
  sealBlock,
} from "./block.ts";

/** First 8 bytes of the header block. */
export const HEADER_MAGIC = magicBytes("CGDISK01");

const AT = { version: 8, blockSize: 10, slotCount: 14, clusterId: 16, timers: 20, createdAt: 36 } as const;

/** The decoded header. */
export type Header = {
  version: number;
  blockSize: number;
  slotCount: number;
  clusterId: number;
  timers: DiskTimers;
  /** Wall-clock ms when `disk init` wrote it. */
  createdAt: number;
};

/** A header for this layout version, block size and slot count. */
export function makeHeader(clusterId: number, timers: DiskTimers, createdAt: number): Header {
  return {
    version: LAYOUT_VERSION,
    blockSize: BLOCK_SIZE,
    slotCount: SLOT_COUNT,
    clusterId,
    timers: { ...timers },
    createdAt,
  };
}

/** Why `h` cannot be encoded, or undefined. */
function headerProblem(h: Header): string | undefined {
  if (h.version !== LAYOUT_VERSION) return `version: expected ${LAYOUT_VERSION}, got ${h.version}`;
  if (h.blockSize !== BLOCK_SIZE) return `blockSize: expected ${BLOCK_SIZE}, got ${h.blockSize}`;
  if (h.slotCount !== SLOT_COUNT) return `slotCount: expected ${SLOT_COUNT}, got ${h.slotCount}`;
  if (!Number.isInteger(h.clusterId) || h.clusterId < 0 || h.clusterId > 0xffff_ffff) {
    return `clusterId: expected a u32, got ${h.clusterId}`;
  }
  if (!isSafeU64(h.createdAt))
    return `createdAt: expected an integer 0..${Number.MAX_SAFE_INTEGER}, got ${h.createdAt}`;
  return timersProblem(h.timers);
}

/** Encodes and signs the header block; throws RangeError naming the invalid field. */
export function encodeHeader(h: Header, key: Uint8Array): Uint8Array {
  const problem = headerProblem(h);
  if (problem !== undefined) throw new RangeError(`encodeHeader: ${problem}`);
  const { bytes, view } = newBlock(HEADER_MAGIC);
  view.setUint16(AT.version, h.version);
  view.setUint32(AT.blockSize, h.blockSize);
  view.setUint16(AT.slotCount, h.slotCount);
  view.setUint32(AT.clusterId, h.clusterId);
  for (const [i, field] of TIMER_FIELDS.entries()) view.setUint32(AT.timers + 4 * i, h.timers[field]);
  writeU64(view, AT.createdAt, h.createdAt);
  return sealBlock(bytes, key, "encodeHeader");
}

/** Decodes and authenticates a header block; never throws. */
export function decodeHeader(bytes: Uint8Array, auth: BlockAuth): BlockResult<Header> {
  try {
    const view = openEnvelope(bytes, HEADER_MAGIC, "header");
    if (!(view instanceof DataView)) return view;
    const version = view.getUint16(AT.version);
    if (version !== LAYOUT_VERSION)
      return malformed(`header: expected layout version ${LAYOUT_VERSION}, got ${version}`);
    const blockSize = view.getUint32(AT.blockSize);
    if (blockSize !== BLOCK_SIZE) return malformed(`header: expected block size ${BLOCK_SIZE}, got ${blockSize}`);
    const slotCount = view.getUint16(AT.slotCount);
    if (slotCount !== SLOT_COUNT) return malformed(`header: expected ${SLOT_COUNT} slots, got ${slotCount}`);
    const clusterId = view.getUint32(AT.clusterId);
    const rejected = checkClusterAndMac(bytes, clusterId, auth, "header");
    if (rejected) return rejected;
    const [keepaliveMs, deadtimeMs, msgwaitMs, watchdogTimeoutMs] = TIMER_FIELDS.map((_, i) =>
      view.getUint32(AT.timers + 4 * i),
    );
    const timers = { keepaliveMs, deadtimeMs, msgwaitMs, watchdogTimeoutMs } as DiskTimers;
    const timerProblem = timersProblem(timers);
    if (timerProblem !== undefined) return malformed(`header: ${timerProblem}`);
    const createdAt = readU64(view, AT.createdAt);
    if (createdAt === undefined)
      return malformed(
        `header: created-at: expected at most ${Number.MAX_SAFE_INTEGER}, got ${view.getBigUint64(AT.createdAt)}`,
      );
    return { kind: "ok", value: { version, blockSize, slotCount, clusterId, timers, createdAt } };
  } catch (error) {
    return malformed(`header: internal decoder error: ${String(error)}`);
  }
}

// The cluster timers recorded in the header, in milliseconds, so both nodes and `disk dump` agree on them.

/** Timers of the heartbeat area, each an integer 1..2^32-1 ms. */
export type DiskTimers = {
  /** Interval between heartbeat slot writes. */
  keepaliveMs: number;
  /** Slot silence after which the peer counts as dead. */
  deadtimeMs: number;
  /** How long a poison pill must sit in a mailbox before its target counts as fenced. */
  msgwaitMs: number;
  /** The watchdog timeout a node arms while it reads its mailbox. */
  watchdogTimeoutMs: number;
};

/** Field names in on-disk order. */
export const TIMER_FIELDS = ["keepaliveMs", "deadtimeMs", "msgwaitMs", "watchdogTimeoutMs"] as const;

const U32_MAX = 0xffff_ffff;

/** Why `timers` cannot be recorded, or undefined: each a u32 > 0, keepalive < deadtime, msgwait >= 2 x watchdog timeout (SBD's rule). */
export function timersProblem(timers: DiskTimers): string | undefined {
  if (typeof timers !== "object" || timers === null)
    return `timers: expected an object, got ${timers === null ? "null" : typeof timers}`;
  for (const field of TIMER_FIELDS) {
    const value: unknown = timers[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > U32_MAX) {
      return `timers.${field}: expected an integer 1..${U32_MAX} ms, got ${typeof value === "number" ? value : typeof value}`;
    }
  }
  if (timers.keepaliveMs >= timers.deadtimeMs) {
    return `timers.keepaliveMs: expected less than deadtimeMs (${timers.deadtimeMs}), got ${timers.keepaliveMs}`;
  }
  if (timers.msgwaitMs < 2 * timers.watchdogTimeoutMs) {
    return `timers.msgwaitMs: expected at least 2 x watchdogTimeoutMs (2 x ${timers.watchdogTimeoutMs} = ${2 * timers.watchdogTimeoutMs}), got ${timers.msgwaitMs}`;
  }
  return undefined;
}

/**
 * Why a watchdog whose driver applied `appliedS` seconds cannot back a poison pill that waits `msgwaitMs`, or
 * undefined: a hung node must be reset by its watchdog with a full timeout to spare before the pill counts (2 x).
 */
export function appliedTimeoutProblem(appliedS: number, msgwaitMs: number): string | undefined {
  if (2 * appliedS * 1000 <= msgwaitMs) return undefined;
  return `the driver applied a ${appliedS} s timeout: expected at most msgwait / 2 (${msgwaitMs / 2000} s for the disk header's msgwait of ${msgwaitMs} ms), else the peer's pill could count as a fence before this watchdog resets a hung node`;
}
