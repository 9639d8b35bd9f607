// SBD-style poison pill: write reset/off into the victim's mailbox on the shared disk, then wait msgwait.
//
// Why msgwait is a confirmation: the victim reads its mailbox every loop and pets its watchdog only after a
// clean read. A victim that reads the pill resets itself; one that cannot read (hung kernel, lost disk, dead
// process) stops petting and its watchdog resets it within watchdog_timeout. msgwait >= 2 x watchdog_timeout
// (checked at config load and in the disk header) covers both, with a full timeout to spare.
import { DiskArea } from "../disk/area.ts";
import type { FenceAction, FenceAgent, FenceOutcome, PowerState } from "./agent.ts";
import type { FenceContext, FenceDisk } from "./context.ts";
import { pillMsgwait } from "./pill-timers.ts";

/** Time to write the pill and read it back, on top of msgwait. */
const IO_MARGIN_MS = 5000;

/** Fences by poison pill; confirmed only after the pill has sat in the victim's slot for msgwait. */
export class PoisonPillAgent implements FenceAgent {
  readonly name = "poison-pill";
  /** msgwait plus time to write and read back: fencing.timeout must never cut a pill short. */
  readonly minTimeoutMs: number;
  /** The msgwait this level's time limit was sized for: the longer of config and the header read at start. */
  private readonly plannedMs: number;
  constructor(private readonly o: { msgwaitMs: number; ctx: FenceContext }) {
    this.plannedMs = pillMsgwait(o.msgwaitMs, o.ctx.diskTimers).ms;
    this.minTimeoutMs = this.plannedMs + IO_MARGIN_MS;
  }

  async fence(target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const disk = this.o.ctx.disk;
    if (!disk) return { confirmed: false, detail: "no shared-disk area configured (channels.disk)" };
    let area: DiskArea | null = null;
    try {
      area = await DiskArea.open(disk.device, disk.offset, { key: disk.key, clusterId: disk.clusterId });
      const header = await area.readHeader();
      if (header.kind !== "ok") return { confirmed: false, detail: `${disk.device}: header unusable (${header.kind}); run clusterguard disk init` };
      const msgwait = pillMsgwait(this.o.msgwaitMs, header.value.timers).ms;
      // The runner cuts this level at minTimeoutMs: a longer wait would always be aborted, after writing a pill.
      if (msgwait > this.plannedMs) return { confirmed: false, detail: `${disk.device}: the header's msgwait (${msgwait} ms) exceeds the ${this.plannedMs} ms this level's time limit was sized for at start (the header was unreadable then, or changed); no pill written: restart the guard` };
      const now = Date.now();
      const pill = { type: action, sender: this.o.ctx.self, senderIncarnation: this.o.ctx.selfIncarnation(), seq: now, writtenAt: now, targetIncarnation: this.o.ctx.peerIncarnation() };
      await area.writeMailbox(disk.peerSlot, pill);
      const back = await area.readMailbox(disk.peerSlot);
      if (back.kind !== "ok" || back.value.seq !== pill.seq) return { confirmed: false, detail: `${disk.device}: the pill did not read back (${back.kind})` };
      if (!(await sleepUnlessAborted(msgwait, signal))) return { confirmed: false, detail: `aborted before msgwait (${msgwait} ms) elapsed` };
      return { confirmed: true, detail: `${action} pill in ${target}'s slot for msgwait (${msgwait} ms): it obeyed or its watchdog reset it` };
    } catch (e) {
      return { confirmed: false, detail: `${disk.device}: ${(e as Error).message}` };
    } finally {
      await area?.close();
    }
  }

  /** The disk says nothing about power: report what the victim's slot holds instead. */
  async status(): Promise<PowerState> {
    return { power: "unknown", detail: "a poison pill has no power state; see clusterguard disk dump" };
  }
}

/** Resolve true after `ms`, false as soon as `signal` aborts. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(true), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

/**
 * The fencer's confirmation, SBD's "clear": once the victim is heard again with another boot's incarnation,
 * remove our pill from its slot so it may go ACTIVE later. Returns what was done, or null when nothing was due.
 */
export async function clearPillIfRebooted(disk: FenceDisk, self: string, peerIncarnation: number): Promise<string | null> {
  const area = await DiskArea.open(disk.device, disk.offset, { key: disk.key, clusterId: disk.clusterId });
  try {
    const r = await area.readMailbox(disk.peerSlot);
    if (r.kind !== "ok" || (r.value.type !== "reset" && r.value.type !== "off") || r.value.sender !== self) return null;
    if (!pillServed(r.value, peerIncarnation)) return null;
    const now = Date.now();
    await area.writeMailbox(disk.peerSlot, { ...r.value, type: "none", seq: now, writtenAt: now });
    return `cleared the ${r.value.type} pill from slot ${disk.peerSlot}: the peer came back as incarnation ${peerIncarnation}`;
  } finally {
    await area.close();
  }
}

/** A pill has done its work when the victim runs a later boot than the one it was written for. */
export function pillServed(pill: { targetIncarnation: number; writtenAt: number }, peerIncarnation: number): boolean {
  if (peerIncarnation === 0 || peerIncarnation === pill.targetIncarnation) return false;
  // Unknown target boot (startup fencing): a boot incarnation is at least its wall clock, so a later one exceeds writtenAt.
  return pill.targetIncarnation !== 0 ? peerIncarnation > pill.targetIncarnation : peerIncarnation > pill.writtenAt;
}
