// The one interface every fence agent implements: fence the target, report a confirmed outcome; ask its power state.

export type FenceAction = "reset" | "off";

/** A fence attempt's result: confirmed means the target is known to be down (or reset) now. */
export type FenceOutcome = { confirmed: true; detail: string } | { confirmed: false; detail: string };

/** What a device says about the target's power: on, off, or unknown (unreachable, no such query). */
export type PowerState = { power: "on" | "off" | "unknown"; detail: string };

/** A way to power-cycle or power off the peer (a STONITH device, in Pacemaker's words). */
export interface FenceAgent {
  readonly name: string;
  /** The least time this agent needs to confirm (a poison pill's msgwait and then some); the runner allows it. */
  readonly minTimeoutMs?: number;
  /** Fence `target`; resolve with a confirmed or failed outcome, never reject. Honour `signal`. */
  fence(target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome>;
  /** The target's power state as the device sees it; never rejects. Honour `signal`. */
  status(target: string, signal: AbortSignal): Promise<PowerState>;
}

/** For agents whose device cannot be asked: the answer is always "unknown", with the reason. */
export function unknownPower(detail: string): Promise<PowerState> {
  return Promise.resolve({ power: "unknown", detail });
}
