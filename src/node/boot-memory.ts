// What one boot of this node remembers across its processes (a guard, an agent, a restarted agent): read when a
// process starts (this boot's incarnation and seq, how far it heard the peer, a self-fence), written as it goes.
// The record formats and files are boot-record.ts; the core state a successor resumes with is continueHeard() here.
import type { CoreState } from "../core/index.ts";
import { DiskArea } from "../disk/area.ts";
import type { DiskTimers } from "../disk/header.ts";
import type { OpenBlock } from "../disk/io.ts";
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../sys/clock.ts";
import {
  type HeardRecord,
  REAL_RUN_FILES,
  type RunFiles,
  readHeard,
  readIncarnation,
  readSelfFence,
  readWatchdog,
  type SelfFenceRecord,
  seqAbove,
  type StoppedRecord,
  writeHeard,
  writeIncarnation,
  writeSelfFence,
  writeStopped,
  writeWatchdog,
} from "./boot-record.ts";
import type { ReceiverState } from "./frames.ts";
import type { HandoverSnapshot } from "./handover.ts";
import type { WatchdogTerms } from "../sys/watchdog.ts";

/** This node's last incarnation and seq in its own disk slot, and the header's timers (zeros, null: unreadable). */
export interface DiskAtStart {
  incarnation: number;
  seq: number;
  timers: DiskTimers | null;
}

/** How far a predecessor in this boot heard the peer: what a successor must keep refusing and go on with. */
export interface HeardMemory {
  receiver?: ReceiverState;
  fenced: number | null;
  peerIncarnation: number | null;
  peerSeq: number | null;
  secondActive: number | null;
}

/** What a running node writes into its heard record. */
export interface HeardNow {
  incarnation: number;
  peerIncarnation: number | null;
  peerSeq: number | null;
  fencedIncarnation: number | null;
  secondActive: number | null;
  receiver: () => ReceiverState;
}

export interface BootMemoryOptions {
  /** Where the records live; none (host mode) keeps none. */
  runDir: string | undefined;
  /** The file system they live on (default: the real one). */
  files?: RunFiles;
  node: string;
  bootId: () => string;
  clock: Clock;
  log: Logger;
}

/** This boot's records, as one process reads and writes them. */
export class BootMemory {
  private heardAt = 0;
  private heardKey = "";
  private selfFenceRecorded = false;
  /** Why the last heard record could not be written, or null. */
  heardFailed: string | null = null;

  private readonly files: RunFiles;

  constructor(private readonly o: BootMemoryOptions) {
    this.files = o.files ?? REAL_RUN_FILES;
  }

  /**
   * A start without a snapshot in a boot that already announced an incarnation (an agent restarted without its
   * snapshot, a guard restarted in the initrd) continues it: a new incarnation would tell the fencer this node
   * rebooted. The sequence goes on above anything sent under it (boot-record.ts seqAbove). Null: mint a new one.
   */
  continued(atStart: DiskAtStart, stopped: StoppedRecord | null): { incarnation: number; seq: number } | null {
    const o = this.o;
    const found = o.runDir ? readIncarnation(o.runDir, o.node, o.bootId(), this.files) : "no run directory";
    const rec = typeof found === "string" ? null : found;
    const incarnation = stopped?.incarnation ?? rec?.incarnation;
    if (incarnation === undefined) return null;
    const up = o.clock.uptime();
    const slotSeq = atStart.incarnation === incarnation ? atStart.seq : 0;
    const fromRecord = rec?.incarnation === incarnation ? seqAbove(rec.seq, rec.uptimeMs, up, slotSeq) : 0;
    const fromStopped = stopped ? seqAbove(stopped.seq, stopped.uptimeMs, up, slotSeq) : 0;
    return { incarnation, seq: Math.max(fromRecord, fromStopped) };
  }

  /** What every record of this process says of where it stands: this boot, this node, the uptime now. */
  private stamp(): { bootId: string; node: string; uptimeMs: number } {
    return { bootId: this.o.bootId(), node: this.o.node, uptimeMs: this.o.clock.uptime() };
  }

  /** Record the incarnation this boot runs under from `seq`; logs (with `consequence`) when it cannot. */
  recordIncarnation(incarnation: number, seq: number, consequence: string): void {
    const o = this.o;
    if (!o.runDir) return;
    const failed = writeIncarnation(o.runDir, { ...this.stamp(), incarnation, seq }, this.files);
    if (failed) o.log.emit("error", "incarnation", `could not record this boot's incarnation: ${failed}${consequence}`);
  }

  /** Record that this boot releases the ACTIVE role; null once written (or no records are kept), else why not. */
  recordStopped(incarnation: number, seq: number, reason: string): string | null {
    const o = this.o;
    if (!o.runDir) return null;
    return writeStopped(o.runDir, { ...this.stamp(), incarnation, seq, reason, at: o.clock.wall() }, this.files);
  }

  /** What a predecessor of this boot heard: from its hand-over snapshot, else from the heard record of `incarnation`. */
  heard(snap: HandoverSnapshot | null, incarnation: number | null): HeardMemory | null {
    if (snap)
      return {
        receiver: snap.receiver,
        fenced: snap.fencedIncarnation ?? null,
        peerIncarnation: snap.peerIncarnation || null,
        peerSeq: snap.peerSeq ?? null,
        secondActive: snap.secondActive ?? null,
      };
    if (incarnation === null || !this.o.runDir) return null;
    const r = readHeard(this.o.runDir, this.o.node, this.o.bootId(), this.files);
    if (typeof r === "string" || r.incarnation !== incarnation) return null;
    return {
      receiver: r.receiver,
      fenced: r.fencedIncarnation,
      peerIncarnation: r.peerIncarnation,
      peerSeq: r.peerSeq,
      secondActive: r.secondActive ?? null,
    };
  }

  /**
   * Write how far this boot has heard the peer (boot-record.ts HeardRecord): before acting on what was heard, and
   * otherwise at most every `everyMs` when it changed. A process restarted without a snapshot reads it back.
   */
  recordHeard(now: () => HeardNow, acting: boolean, everyMs: number): void {
    const dir = this.o.runDir;
    if (!dir) return;
    // Called on every input: the cheap test first, what was heard only when a write may be due.
    const t = this.o.clock.now();
    if (!acting && t - this.heardAt < everyMs) return;
    const h = now();
    const key = `${h.incarnation}:${h.peerIncarnation}:${h.peerSeq}:${h.fencedIncarnation}:${h.secondActive}`;
    if (key === this.heardKey) return;
    this.heardAt = t;
    this.heardKey = key;
    const rec: Omit<HeardRecord, "v"> = {
      bootId: this.o.bootId(),
      node: this.o.node,
      incarnation: h.incarnation,
      peerIncarnation: h.peerIncarnation,
      peerSeq: h.peerSeq,
      fencedIncarnation: h.fencedIncarnation,
      secondActive: h.secondActive,
      receiver: h.receiver(),
    };
    this.heardFailed = writeHeard(dir, rec, this.files);
    if (this.heardFailed)
      this.o.log.emit("warning", "heard-record", `could not record how far the peer was heard: ${this.heardFailed}`);
  }

  /** The first self-fence of this boot is recorded before the reset is tried: a later start stays silent too. */
  recordSelfFence(incarnation: number, reason: string, power: "reset" | "off"): void {
    const o = this.o;
    if (!o.runDir || this.selfFenceRecorded) return;
    this.selfFenceRecorded = true;
    const failed = writeSelfFence(o.runDir, { ...this.stamp(), incarnation, reason, power }, this.files);
    if (failed) o.log.emit("error", "self-fence", `could not record the self-fence: ${failed}`);
  }

  /** Record the watchdog this process armed (or kept) for this boot; logs when it cannot. */
  recordWatchdog(device: string, timeoutS: number): void {
    const o = this.o;
    if (!o.runDir) return;
    const failed = writeWatchdog(o.runDir, { ...this.stamp(), device, timeoutS }, this.files);
    if (failed)
      o.log.emit(
        "error",
        "watchdog",
        `could not record the watchdog armed in this boot: ${failed}; a process restarted without a snapshot would arm it on its own config's terms`,
      );
  }

  /** The watchdog a process of this boot armed before this one started, or null. */
  watchdog(): WatchdogTerms | null {
    if (!this.o.runDir) return null;
    const rec = readWatchdog(this.o.runDir, this.o.node, this.o.bootId(), this.files);
    return typeof rec === "string" ? null : { device: rec.device, timeoutS: rec.timeoutS };
  }

  /** This boot self-fenced before this process started (the reset was refused), or null. */
  selfFenced(): SelfFenceRecord | null {
    if (!this.o.runDir) return null;
    const rec = readSelfFence(this.o.runDir, this.o.node, this.o.bootId(), this.files);
    if (typeof rec === "string") return null;
    this.selfFenceRecorded = true;
    return rec;
  }
}

/** This node's last incarnation and seq from its own slot, and the header's timers; zeros and null when unreadable. */
export async function readDiskAtStart(
  device: string | undefined,
  offset: number,
  auth: { key: Uint8Array; clusterId: number },
  slot: number,
  openBlock?: OpenBlock,
): Promise<DiskAtStart> {
  const none = { incarnation: 0, seq: 0, timers: null };
  if (!device) return none;
  try {
    const area = await DiskArea.open(device, offset, auth, openBlock ? { open: openBlock } : {});
    try {
      const h = await area.readHeader();
      const r = await area.readSlot(slot);
      return {
        incarnation: r.kind === "ok" ? r.value.incarnation : 0,
        seq: r.kind === "ok" ? r.value.seq : 0,
        timers: h.kind === "ok" ? h.value.timers : null,
      };
    } finally {
      await area.close();
    }
  } catch {
    return none;
  }
}

/**
 * The core of a process that continues this boot's links, told how far its predecessor heard the peer: that boot and
 * its newest seq (older frames trigger nothing), and the boot it fenced (refused).
 */
export function continueHeard(
  s: CoreState,
  m: { fenced: number | null; peerIncarnation: number | null; peerSeq: number | null; secondActive: number | null },
  now: number,
): CoreState {
  const fence = m.fenced
    ? { ...s.fence, fencedIncarnation: Math.max(s.fence.fencedIncarnation ?? 0, m.fenced) }
    : s.fence;
  const pv = s.peerView;
  const same = m.peerIncarnation !== null && (pv.incarnation === null || pv.incarnation === m.peerIncarnation);
  let peerView =
    same && m.peerSeq !== null
      ? { ...pv, incarnation: m.peerIncarnation, lastSeq: Math.max(pv.lastSeq ?? 0, m.peerSeq), lastSeqFromDisk: false }
      : pv;
  // The peer was heard in this boot: its silence from now on is judged by deadtime, not as "never heard".
  if (same && peerView.lastHeard === null) peerView = { ...peerView, lastHeard: now, firstHeard: now };
  // A second ACTIVE the predecessor outranked and had not fenced yet: fence it again at once.
  if (m.secondActive !== null && s.role === "ACTIVE") {
    peerView = { ...peerView, conflict: true };
    return {
      ...s,
      peerView,
      fence: { ...fence, target: m.secondActive, issued: false, issueAt: now - s.timers.fenceRetry },
    };
  }
  return { ...s, fence, peerView };
}
