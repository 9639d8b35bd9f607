// Up/down reporting that speaks only on a change (and for the first state), so a dead disk is one event, not one per retry.

/** Remembers the last reported state and calls `report` only when it changes. */
export class HealthLatch {
  private last: boolean | undefined;

  constructor(private readonly report: (up: boolean, detail: string) => void) {}

  /** Reports `up` with `detail` unless it is the state last reported. */
  set(up: boolean, detail: string): void {
    if (this.last === up) return;
    this.last = up;
    this.report(up, detail);
  }
}
