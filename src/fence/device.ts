// The one interface every fence device implements: fence the target, report a confirmed outcome; ask its power state.
// Also what the devices that work through the cluster itself need from the running node, and the poll until off
// that the power devices (IPMI, Redfish) share.

import type { MessageType } from "../core/types.ts";
import type { DiskArea } from "../disk/area.ts";
import type { DiskTimers } from "../disk/header.ts";
import type { OpenBlock } from "../disk/io.ts";
import type { Clock } from "../sys/clock.ts";

export type FenceAction = "reset" | "off";

/** A fence attempt's result: confirmed means the target is known to be down (or reset) now. */
export type FenceOutcome = { confirmed: true; detail: string } | { confirmed: false; detail: string };

/** What a device says about the target's power: on, off, or unknown (unreachable, no such query). */
export type PowerState = { power: "on" | "off" | "unknown"; detail: string };

/** A way to power-cycle or power off the peer (a STONITH device, in Pacemaker's words). */
export interface FenceDevice {
  readonly name: string;
  /** The least time this device needs to confirm (a poison pill's msgwait and then some); the runner allows it. */
  readonly minTimeoutMs?: number;
  /** Fence `target`; resolve with a confirmed or failed outcome, never reject. Honour `signal`. */
  fence(target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome>;
  /** The target's power state as the device sees it; never rejects. Honour `signal`. */
  status(target: string, signal: AbortSignal): Promise<PowerState>;
}

/** For devices that cannot be asked: the answer is always "unknown", with the reason. */
export function unknownPower(detail: string): Promise<PowerState> {
  return Promise.resolve({ power: "unknown", detail });
}

// What fence devices that work through the cluster itself (poison pill, peer request) need from the running guard.

/** The shared-disk area both nodes use, and the victim's slot in it. */
export interface FenceDisk {
  device: string;
  offset: number;
  key: Uint8Array;
  clusterId: number;
  peerSlot: number;
  /**
   * The area as already opened by the disk channel, when it is open: used instead of opening the device by path
   * (after switch_root the initrd's /dev path is gone, the open descriptor is not). Never closed by its users.
   */
  area?: () => DiskArea | undefined;
  /** How the device is opened by path (the real device by default; a simulator passes its own). */
  openBlock?: OpenBlock;
}

/** Supplied by the guard or agent when it builds its fence levels. */
export interface FenceContext {
  self: string;
  /** The node's clock: a pill's msgwait and a request's repeats run on it. */
  clock: Clock;
  /** This boot's incarnation. */
  selfIncarnation(): number;
  /** The peer's incarnation as last heard on any link, or 0 if never heard. */
  peerIncarnation(): number;
  /** The peer boot the fence in flight is aimed at (a poison pill names it), when it differs from the last heard. */
  targetIncarnation?(): number;
  disk: FenceDisk | null;
  /** The disk header's timers as read at start (a pill's msgwait is sized from them), or null/absent if unread. */
  diskTimers?: DiskTimers | null;
  /** ms since the peer was last heard on any link, or null if never. */
  peerSilentMs(): number | null;
  /** Send a message to the peer on every live link. */
  send(type: Exclude<MessageType, "heartbeat">): void;
}

// Poll a power device until it reads off: for the IPMI and Redfish devices, the observed off state is the confirmation.

/** Whether off was seen, the last answer, and how many status reads it took. */
export type OffResult = { off: true; detail: string; polls: number } | { off: false; detail: string; polls: number };

/** Ask `read` every `intervalMs` until it says off, or until `signal` aborts (then off is false, with the last answer). */
export async function awaitOff(
  read: (signal: AbortSignal) => Promise<PowerState>,
  intervalMs: number,
  signal: AbortSignal,
): Promise<OffResult> {
  let last = "never asked";
  let polls = 0;
  while (!signal.aborted) {
    const st = await read(signal);
    polls++;
    if (st.power === "off") return { off: true, detail: st.detail, polls };
    if (!signal.aborted) last = `${st.power}: ${st.detail}`;
    await pause(intervalMs, signal);
  }
  return { off: false, detail: `not seen off before the fence time ran out (${polls} polls, last ${last})`, polls };
}

/** Sleep `ms`, cut short when `signal` aborts; never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
