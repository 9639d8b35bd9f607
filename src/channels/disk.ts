// The shared-disk heartbeat channel: writes this node's slot at every beat, polls the peer's slot, reports progress.
//
// The disk carries state, not a stream: each node overwrites its own heartbeat slot (ClusterLabs sbd
// style) and reads the peer's. Liveness is "the peer's (incarnation, seq) moved forward", observed
// on THIS node's clock; the peer's written-at wall clock is reported but never needed. The channel
// never decides: it reports peer progress through onPeerSlot and the device's health through the sink.
// I/O uses async fs calls (Bun's thread pool), so a slow or hung disk never blocks the event loop.

import type { DiskArea } from "../disk/area.ts";
import { DiskIoError } from "../disk/io.ts";
import type { DiskBeat, DiskChannelOptions, MailboxRead } from "../disk/channel-options.ts";
import { channelOptionsProblem } from "../disk/channel-options.ts";
import { HealthLatch, Retry } from "./health.ts";
import { openVerifiedArea } from "../disk/area.ts";
import { BLOCK_SIZE, describeRejection } from "../disk/block.ts";
import type { Progress, HeartbeatSlot } from "../disk/slot.ts";
import { advanced } from "../disk/slot.ts";
import type { BlockResult } from "../disk/block.ts";
import type { DiskTimers } from "../disk/header.ts";
import { type Clock, realClock } from "../sys/clock.ts";
import type { Channel, ChannelSink, ChannelStats } from "./channel.ts";
import { emptyStats } from "./channel.ts";

export type { DiskBeat, DiskChannelOptions, MailboxRead, PeerSlot } from "../disk/channel-options.ts";

/**
 * Shared-disk channel. Stats: framesOut/bytesOut count slot writes, framesIn the peer advances
 * reported, bytesIn the blocks read, dropped the peer-slot blocks rejected (bad-auth, foreign...).
 */
export class DiskChannel implements Channel {
  readonly kind = "disk" as const;
  private readonly counters: ChannelStats = emptyStats();
  private readonly log: (line: string) => void;
  private sink: ChannelSink | undefined;
  private area: DiskArea | undefined;
  private cancelTimer: (() => void) | undefined;
  private readonly clock: Clock;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private retry: Retry | undefined;
  private everOpened = false;
  private readonly health = new HealthLatch((up, detail) => {
    this.log(`disk channel ${up ? "up" : "down"}: ${detail}`);
    this.sink?.health("disk", up, detail);
  });
  private lastPeer: Progress | undefined;
  private lastRejection: string | undefined;
  private lastTimers: DiskTimers | undefined;
  /** A beat of this channel reached the disk: from then on the own slot is read back before a beat. */
  private wroteOnce = false;
  /** When the own slot was last read back (clock ms), or null. */
  private readBackAt: number | null = null;
  /**
   * How often the own slot is read back: before every beat (0) until the node is ACTIVE, when it must prove that no
   * other machine writes its slot; then about once a second (readBackEvery).
   */
  private readBackEveryMs = 0;
  /** Why the device is down, as the failing operation said: what beats and mailbox reads report meanwhile. */
  private downDetail = "not started";

  /** False once the device path may vanish while the open descriptor stays valid (after switch_root). */
  private checkPath = true;

  constructor(private readonly o: DiskChannelOptions) {
    const problem = channelOptionsProblem(o);
    if (problem !== undefined) throw new RangeError(`DiskChannel(${o.device}): ${problem}`);
    this.log = o.log ?? (() => {});
    this.clock = o.clock ?? realClock;
  }

  /** Opens the area (header must be this cluster's) and starts polling; failures go to health() and are retried. */
  async start(sink: ChannelSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    this.running = this.tick();
    await this.running;
  }

  /**
   * A no-op that counts nothing: a slot holds one node's latest state, overwritten in place, not a
   * stream of frames, so there is nothing to append a frame to. The guard calls beat() instead.
   */
  send(_frame: Uint8Array): void {}

  /** Stop checking the device path: after switch_root the initrd's /dev is gone, the descriptor is not. */
  keepHandles(): void {
    this.checkPath = false;
  }

  /** Writes this node's heartbeat slot; resolves true once durable, false (never rejects) when it could not. */
  async beat(state: DiskBeat): Promise<boolean> {
    const area = this.area;
    if (area === undefined || this.stopped) return this.beatFailed(`disk down: ${this.downDetail}`);
    try {
      await this.readBack(area);
      await area.writeSlot(this.o.selfSlot, {
        ...state,
        writtenAt: Math.floor(this.clock.wall()),
        uptimeMs: this.clock.uptime(),
      });
    } catch (error) {
      if (error instanceof DiskIoError) this.fail(area, error.message);
      return this.beatFailed(error instanceof Error ? error.message : String(error));
    }
    this.counters.framesOut++;
    this.counters.bytesOut += BLOCK_SIZE;
    this.wroteOnce = true;
    return true;
  }

  /** Read the own slot back before a beat at most every `ms` (0: before every beat). */
  readBackEvery(ms: number): void {
    this.readBackEveryMs = ms;
  }

  /**
   * Before a beat overwrites it (every beat, or about once a second: readBackEvery), read this node's own slot back for onOwnSlot: it holds the
   * last write of this node unless another machine wrote it meanwhile. Read before the write, not after it: a read
   * right after one's own write would see that write, beat after beat, if the two writers kept step.
   */
  private async readBack(area: DiskArea): Promise<void> {
    const now = this.clock.now();
    const every = this.readBackEveryMs;
    if (!this.o.onOwnSlot || !this.wroteOnce || (this.readBackAt !== null && now - this.readBackAt < every)) return;
    this.readBackAt = now;
    const own = await area.readSlot(this.o.selfSlot);
    this.counters.bytesIn += BLOCK_SIZE;
    if (own.kind === "ok") this.o.onOwnSlot({ ...own.value });
  }

  /** The timers of the header this channel verified when it (last) opened the area; undefined while it never did. */
  headerTimers(): DiskTimers | undefined {
    return this.lastTimers;
  }

  /** Reads this node's own mailbox (the peer's poison pill), for the fencing work. */
  async readOwnMailbox(): Promise<MailboxRead> {
    const area = this.area;
    if (area === undefined) return { kind: "unavailable", detail: `disk down: ${this.downDetail}` };
    try {
      const result = await area.readMailbox(this.o.selfSlot);
      this.counters.bytesIn += BLOCK_SIZE;
      return result;
    } catch (error) {
      // Unread, the mailbox stops the watchdog's pets (the node's own reset covers it); the area stays open for beats.
      return { kind: "unavailable", detail: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The area while the channel holds it open (undefined while down or stopped): the fencer writes the peer's mailbox
   * through it, since after switch_root the device can no longer be opened by path. Its users must not close it.
   */
  openArea(): DiskArea | undefined {
    return this.stopped ? undefined : this.area;
  }

  /** Stops polling, waits for the I/O in flight, closes the device. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.running;
    const area = this.area;
    this.area = undefined;
    await area?.close();
  }

  stats(): ChannelStats {
    return { ...this.counters };
  }

  /** One poll (or reconnect) then the next one scheduled: pollMs when healthy, backoff after failures. */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    const ok = this.area === undefined ? await this.connect() : await this.pollPeer(this.area);
    if (this.stopped) return;
    this.retry ??= new Retry(this.o.pollMs, this.o.maxBackoffMs ?? Math.max(5000, this.o.pollMs));
    const delay = ok ? this.o.pollMs : this.retry.next();
    if (ok) this.retry.reset();
    this.cancelTimer = this.clock.after(delay, () => {
      this.running = this.tick();
    });
  }

  /** Opens the device and checks the header; true when the channel is up. */
  private async connect(): Promise<boolean> {
    const { device, offset, key, clusterId } = this.o;
    let area: DiskArea;
    try {
      area = await openVerifiedArea(
        device,
        offset,
        { key, clusterId },
        { log: this.log, ...(this.o.openBlock ? { open: this.o.openBlock } : {}) },
      );
    } catch (error) {
      this.markDown(error instanceof Error ? error.message : String(error));
      return false;
    }
    if (this.stopped) return area.close().then(() => false);
    if (this.everOpened) this.counters.reopens++;
    this.everOpened = true;
    this.area = area;
    this.lastTimers = area.verifiedHeader?.timers;
    this.markUp(`${device} at offset ${offset} readable (${area.mode === "direct" ? "O_DIRECT" : "O_SYNC + fadvise"})`);
    return true;
  }

  /** Reads the peer's slot and reports an advance; false (and down) on an I/O error or a vanished device. */
  private async pollPeer(area: DiskArea): Promise<boolean> {
    let result: BlockResult<HeartbeatSlot>;
    const gone = this.checkPath ? await area.identityProblem() : undefined;
    if (gone !== undefined) {
      this.fail(area, gone);
      return false;
    }
    try {
      result = await area.readSlot(this.o.peerSlot);
    } catch (error) {
      // The peer's slot cannot be read: the link is down (its silence proves nothing), but the area stays open, so
      // this node's own beats go on; a failing write closes it (beat). A bad block there must not silence this node.
      this.markDown(error instanceof Error ? error.message : String(error));
      return false;
    }
    this.counters.bytesIn += BLOCK_SIZE;
    if (!this.counters.up && this.area === area)
      this.markUp(`${this.o.device}: peer slot ${this.o.peerSlot} readable again`);
    if (result.kind === "ok") this.peerSlotRead(result.value);
    else if (result.kind !== "empty") this.peerSlotRejected(describeRejection(result));
    return true;
  }

  /** Reports the peer's slot when its (incarnation, seq) moved forward. */
  private peerSlotRead(slot: HeartbeatSlot): void {
    this.lastRejection = undefined;
    if (!advanced(this.lastPeer, slot)) return;
    this.lastPeer = { incarnation: slot.incarnation, seq: slot.seq };
    this.counters.framesIn++;
    try {
      this.o.onPeerSlot({ ...slot });
    } catch (error) {
      this.log(`disk channel: onPeerSlot threw: ${String(error)}`);
    }
  }

  /** Counts a rejected peer slot; logs when the reason changes. */
  private peerSlotRejected(reason: string): void {
    this.counters.dropped++;
    this.counters.lastError = `peer slot ${this.o.peerSlot}: ${reason}`;
    if (reason !== this.lastRejection) this.log(`disk channel: ignoring peer slot ${this.o.peerSlot}: ${reason}`);
    this.lastRejection = reason;
  }

  /** Counts a beat that was not written. */
  private beatFailed(reason: string): false {
    this.counters.sendErrors++;
    this.counters.lastError = reason;
    return false;
  }

  /** Drops `area` after an I/O error (once, even if several operations fail together) and reports down. */
  private fail(area: DiskArea, detail: string): void {
    if (this.area !== area) return;
    this.area = undefined;
    void area.close();
    this.markDown(detail);
  }

  private markUp(detail: string): void {
    this.counters.up = true;
    this.health.set(true, detail);
  }

  private markDown(detail: string): void {
    this.downDetail = detail;
    this.counters.up = false;
    this.counters.lastError = detail;
    this.health.set(false, detail);
  }
}
