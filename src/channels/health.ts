// How every link (and the management TCP listener) retries and reports its health: delays that start small,
// double and cap; a retry wait that stop() can cut short; up/down said once per change, not once per retry.

/** Delay before retry number `attempt` (0-based): min(initialMs * 2^attempt, maxMs). */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** Retry delays minMs, 2*minMs, ... up to maxMs, counted since the last success. */
export class Retry {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  /** The delay before the next retry; each call doubles the following one. */
  next(): number {
    return backoffMs(this.attempt++, this.minMs, this.maxMs);
  }

  /** Waits the next delay (or until cancel()). */
  wait(): Promise<void> {
    const ms = this.next();
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

  /** A success: the next retry waits minMs again. */
  reset(): void {
    this.attempt = 0;
  }

  /** Failures since the last success. */
  get failures(): number {
    return this.attempt;
  }
}

/** Remembers the last reported state and calls `report` only when it changes (and for the first state). */
export class HealthLatch {
  private last: boolean | undefined;

  constructor(private readonly report: (up: boolean, detail: string) => void) {}

  /** Reports `up` with `detail` unless it is the state last reported. */
  set(up: boolean, detail: string): void {
    if (this.last === up) return;
    this.last = up;
    this.report(up, detail);
  }

  /** The state last reported, or undefined before the first. */
  get state(): boolean | undefined {
    return this.last;
  }
}
