// The one interface every fence agent implements: fence the target, report a confirmed outcome.

export type FenceAction = "reset" | "off";

/** A fence attempt's result: confirmed means the target is known to be down now. */
export type FenceOutcome = { confirmed: true; detail: string } | { confirmed: false; detail: string };

/** A way to power-cycle or power off the peer (a STONITH device, in Pacemaker's words). */
export interface FenceAgent {
  readonly name: string;
  /** Fence `target`; resolve with a confirmed or failed outcome, never reject. Honour `signal`. */
  fence(target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome>;
}
