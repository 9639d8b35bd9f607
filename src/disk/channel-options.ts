// Options and result types of the shared-disk channel (src/channels/disk.ts), and their validation.

import type { Role } from "../core/types.ts";
import type { Clock } from "../sys/clock.ts";
import type { OpenBlock } from "./io.ts";
import type { BlockResult } from "./block.ts";
import { offsetProblem, slotProblem } from "./block.ts";
import type { HeartbeatSlot, MailboxMessage } from "./slot.ts";

/** What the guard publishes at every keepalive (writer, watchdogMs, priority: HeartbeatSlot). */
export type DiskBeat = {
  node: string;
  incarnation: number;
  seq: number;
  role: Role;
  writer?: number;
  watchdogMs?: number;
  priority?: number;
};

/** The peer's slot as read, reported each time its (incarnation, seq) advanced. */
export type PeerSlot = HeartbeatSlot;

/** A read of this node's own mailbox: the decoded block, or why the disk could not be read. */
export type MailboxRead = BlockResult<MailboxMessage> | { kind: "unavailable"; detail: string };

/** Construction options; everything but the callbacks comes from config (channels.disk, node disk_slot). */
export type DiskChannelOptions = {
  device: string;
  /** Byte offset of the heartbeat area, a multiple of 4096. */
  offset: number;
  selfSlot: number;
  peerSlot: number;
  key: Uint8Array;
  clusterId: number;
  /** Interval between reads of the peer's slot, and the first retry delay after a failure. */
  pollMs: number;
  onPeerSlot: (slot: PeerSlot) => void;
  /**
   * This node's own slot as read back about once a second, just before a beat overwrites it (from the second beat
   * on): anything but this node's own writes there means another machine writes it (booted as this node).
   */
  onOwnSlot?: (slot: HeartbeatSlot) => void;
  /** Longest retry delay after repeated failures (default max(5000, pollMs) ms). */
  maxBackoffMs?: number;
  log?: (line: string) => void;
  /** Time, uptime and timers (the real clock by default; a simulator passes its own). */
  clock?: Clock;
  /** How the device is opened (the real device by default; a simulator passes its own). */
  openBlock?: OpenBlock;
};

/** Why the options cannot work, naming the first invalid one, or undefined. */
export function channelOptionsProblem(o: DiskChannelOptions): string | undefined {
  const self = slotProblem(o.selfSlot);
  const peer = slotProblem(o.peerSlot);
  if (self !== undefined) return `selfSlot: ${self}`;
  if (peer !== undefined) return `peerSlot: ${peer}`;
  if (o.selfSlot === o.peerSlot)
    return `peerSlot: expected a slot other than selfSlot (${o.selfSlot}), got ${o.peerSlot}`;
  if (!Number.isInteger(o.pollMs) || o.pollMs <= 0) return `pollMs: expected a positive integer, got ${o.pollMs}`;
  if (!(o.key instanceof Uint8Array) || o.key.length === 0) return "key: expected a non-empty Uint8Array";
  if (typeof o.onPeerSlot !== "function") return `onPeerSlot: expected a function, got ${typeof o.onPeerSlot}`;
  return offsetProblem(o.offset);
}
