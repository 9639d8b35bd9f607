// Exponential reopen delay whose wait stop() can cut short, so no timer outlives the channel.
import { backoffMs } from "../disk/backoff.ts";

/** Delays minMs, 2*minMs, ... up to maxMs; reset() starts over. */
export class Backoff {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  /** Waits the current delay (or until cancel()), then doubles it for next time. */
  wait(): Promise<void> {
    const ms = backoffMs(this.attempt++, this.minMs, this.maxMs);
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => this.cancel(), ms);
    });
  }

  /** Ends a pending wait() now. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Next wait() lasts minMs again. */
  reset(): void {
    this.attempt = 0;
  }
}
