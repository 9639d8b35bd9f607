// SBD-style poison pill: write reset/off into the victim's mailbox on the shared disk, then wait msgwait.
//
// Why msgwait is a confirmation: the victim reads its mailbox every loop and pets its watchdog only after a
// clean read. A victim that reads the pill resets itself; one that cannot read (hung kernel, lost disk, dead
// process) stops petting and its watchdog resets it within watchdog_timeout. msgwait >= 2 x watchdog_timeout
// (checked at config load and in the disk header) covers both, with a full timeout to spare.

import { DiskArea } from "../disk/area.ts";
import type { BlockResult } from "../disk/block.ts";
import type { DiskTimers } from "../disk/header.ts";
import type { HeartbeatSlot, MailboxMessage } from "../disk/slot.ts";
import { sleep } from "../sys/clock.ts";
import type { FenceAction, FenceDevice, FenceContext, FenceDisk, FenceOutcome, PowerState } from "./device.ts";

/** Time to write the pill and read it back, on top of msgwait. */
const IO_MARGIN_MS = 5000;

/** Fences by poison pill; confirmed only after the pill has sat in the victim's slot for msgwait. */
export class PoisonPillFence implements FenceDevice {
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
    try {
      const written = await withArea(disk, async (area) => {
        const header = await area.readHeader();
        if (header.kind !== "ok") return `${disk.device}: header unusable (${header.kind}); run clusterguard disk init`;
        const msgwait = pillMsgwait(this.o.msgwaitMs, header.value.timers).ms;
        // The runner cuts this level at minTimeoutMs: a longer wait would always be aborted, after writing a pill.
        if (msgwait > this.plannedMs)
          return `${disk.device}: the header's msgwait (${msgwait} ms) exceeds the ${this.plannedMs} ms this level's time limit was sized for at start (the header was unreadable then, or changed); no pill written: restart the guard`;
        const targetIncarnation = this.o.ctx.targetIncarnation?.() ?? this.o.ctx.peerIncarnation();
        const unarmed = watchdogProblem(target, await area.readSlot(disk.peerSlot), targetIncarnation, msgwait);
        if (unarmed) return `${unarmed}: no pill written`;
        const now = this.o.ctx.clock.wall();
        const pill: MailboxMessage = {
          type: action,
          sender: this.o.ctx.self,
          senderIncarnation: this.o.ctx.selfIncarnation(),
          seq: now,
          writtenAt: now,
          targetIncarnation,
        };
        await area.writeMailbox(disk.peerSlot, pill);
        const back = await area.readMailbox(disk.peerSlot);
        if (back.kind !== "ok" || back.value.seq !== pill.seq)
          return `${disk.device}: the pill did not read back (${back.kind})`;
        return { pill, msgwait };
      });
      if (typeof written === "string") return { confirmed: false, detail: written };
      const { pill, msgwait } = written;
      if (!(await sleep(this.o.ctx.clock, msgwait, signal)))
        return { confirmed: false, detail: `aborted before msgwait (${msgwait} ms) elapsed` };
      // msgwait proves something only about a pill that sat there all along: one cleared or replaced meanwhile may
      // never have been read (the victim's watchdog was petted on clean reads), so it confirms nothing.
      const [now, slot] = await withArea(disk, async (area) => [
        await area.readMailbox(disk.peerSlot),
        await area.readSlot(disk.peerSlot),
      ]);
      const gone = pillChanged(pill, now);
      if (gone)
        return {
          confirmed: false,
          detail: `${disk.device}: after msgwait (${msgwait} ms) ${target}'s slot no longer holds this pill (${gone}): not confirmed`,
        };
      // The target wrote meanwhile without its watchdog: it runs, and nothing resets it (never the case for a boot
      // that keeps the watchdog it showed: it never disarms it).
      const unarmed = watchdogProblem(target, slot, pill.targetIncarnation, msgwait);
      if (unarmed) return { confirmed: false, detail: `after msgwait (${msgwait} ms): ${unarmed}: not confirmed` };
      return {
        confirmed: true,
        detail: `${action} pill in ${target}'s slot for msgwait (${msgwait} ms), still there at the end: it obeyed or its watchdog reset it`,
      };
    } catch (e) {
      return { confirmed: false, detail: `${disk.device}: ${(e as Error).message}` };
    }
  }

  /** The disk says nothing about power: report what the victim's slot holds instead. */
  async status(): Promise<PowerState> {
    return { power: "unknown", detail: "a poison pill has no power state; see clusterguard disk dump" };
  }
}

/**
 * The fencer's confirmation, SBD's "clear": once the victim is heard again with another boot's incarnation,
 * remove our pill from its slot so it may go ACTIVE later. Returns what was done, or null when nothing was due;
 * throws when the disk could not be read or written (the caller tries again).
 */
export async function clearPillIfRebooted(
  disk: FenceDisk,
  self: string,
  peerIncarnation: number,
  wallNow: () => number = Date.now,
): Promise<string | null> {
  return withArea(disk, async (area) => {
    const r = await area.readMailbox(disk.peerSlot);
    if (r.kind !== "ok" || (r.value.type !== "reset" && r.value.type !== "off") || r.value.sender !== self) return null;
    if (!pillServed(r.value, peerIncarnation)) return null;
    const now = wallNow();
    await area.writeMailbox(disk.peerSlot, { ...r.value, type: "none", seq: now, writtenAt: now });
    return `cleared the ${r.value.type} pill from slot ${disk.peerSlot}: the peer came back as incarnation ${peerIncarnation}`;
  });
}

/**
 * Why a pill cannot count as a fence of `target`'s boot `incarnation` (0: whichever boot writes its slot), judged by
 * its heartbeat slot as last written; null when it can. The pill is confirmed by time because the victim's watchdog
 * resets it when it cannot read its mailbox; the victim's own config decides whether it keeps one, and the fencer's
 * may say otherwise (a rolling change, /etc edited and the initrd not regenerated). So the slot must show one, armed
 * with a timeout of at most msgwait / 2, for that boot (docs/design.md, row 18.1). A later boot writing the slot
 * means the target boot is over: nothing of it can write again.
 */
export function watchdogProblem(
  target: string,
  slot: BlockResult<HeartbeatSlot>,
  incarnation: number,
  msgwaitMs: number,
): string | null {
  if (slot.kind !== "ok")
    return `${target}'s heartbeat slot is unreadable (${slot.kind}): nothing shows that ${target} keeps a watchdog armed`;
  const s = slot.value;
  if (incarnation !== 0 && s.incarnation > incarnation) return null;
  if (incarnation !== 0 && s.incarnation < incarnation)
    return `${target}'s boot ${incarnation} never wrote its heartbeat slot (it holds boot ${s.incarnation}): nothing shows that boot keeps a watchdog armed`;
  const shown = s.watchdogMs ?? 0;
  if (shown === 0)
    return `${target}'s heartbeat slot (boot ${s.incarnation}) shows no watchdog armed: its config has no poison-pill level for it (a config that differs from this node's?), or it has not armed one yet`;
  if (2 * shown > msgwaitMs)
    return `${target}'s heartbeat slot (boot ${s.incarnation}) shows a ${shown} ms watchdog: more than msgwait / 2 (${msgwaitMs / 2} ms), so it may still run when msgwait ends`;
  return null;
}

/** Why the slot no longer holds `pill` (cleared, replaced, unreadable), or null when it still does, unchanged. */
export function pillChanged(pill: MailboxMessage, now: BlockResult<MailboxMessage>): string | null {
  if (now.kind !== "ok") return `unreadable: ${now.kind}`;
  const m = now.value;
  if (m.type !== pill.type) return `it holds ${m.type} from ${m.sender}`;
  if (m.sender !== pill.sender || m.seq !== pill.seq)
    return `replaced by ${m.type} from ${m.sender} (seq ${m.seq}, ours was ${pill.seq})`;
  return null;
}

/** Run `fn` on the disk channel's open area when there is one, else on the device opened by path (and closed after). */
async function withArea<T>(disk: FenceDisk, fn: (area: DiskArea) => Promise<T>): Promise<T> {
  const shared = disk.area?.();
  if (shared) return fn(shared);
  const area = await DiskArea.open(
    disk.device,
    disk.offset,
    { key: disk.key, clusterId: disk.clusterId },
    disk.openBlock ? { open: disk.openBlock } : {},
  );
  try {
    return await fn(area);
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

// How long a poison pill waits: the longer of the config's msgwait and the disk header's (what the victim armed for).

/** The msgwait a pill waits, and a warning when the config and the header disagree (null when they agree or no header). */
export function pillMsgwait(
  configMs: number,
  header: DiskTimers | null | undefined,
): { ms: number; warning: string | null } {
  const headerMs = header?.msgwaitMs;
  if (headerMs === undefined || headerMs === configMs) return { ms: configMs, warning: null };
  const ms = Math.max(configMs, headerMs);
  return {
    ms,
    warning: `poison-pill msgwait differs: config ${configMs} ms, disk header ${headerMs} ms (recorded by disk init); a pill waits ${ms} ms. Rerun clusterguard disk init (both nodes stopped) to make them agree`,
  };
}
