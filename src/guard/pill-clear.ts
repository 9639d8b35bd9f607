// When the fencer may take its poison pill back: once per peer incarnation heard, never while a fence is in flight,
// and again after a failure until the check has run through.
import type { LogLevel } from "../core/actions.ts";

export interface PillClearOptions {
  /** Check the peer's mailbox for this incarnation and clear our served pill: what was done, or null; throws on I/O errors. */
  clear(peerIncarnation: number): Promise<string | null>;
  /** True while this node fences its peer: its pill must stay where it is until the fence has finished. */
  fencing(): boolean;
  log(level: LogLevel, event: string, message: string, fields?: Record<string, unknown>): void;
  /** First delay before trying a failed check again (doubles up to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * A peer incarnation counts as handled only once its check ran through (a pill cleared, or nothing to clear): a
 * failed read or write is tried again, with backoff. A check due while a fence is in flight waits for fenceDone().
 */
export class PillClear {
  private heard = 0;
  private checked = 0;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;

  constructor(private readonly o: PillClearOptions) {}

  /** A frame or disk slot of the peer's incarnation `inc` was accepted (0: unknown, ignored). */
  seen(inc: number): void {
    if (inc === 0) return;
    this.heard = inc;
    this.kick();
  }

  /** This node's fence of the peer has finished: run a check that waited for it. */
  fenceDone(): void {
    this.kick();
  }

  /** The incarnation whose check last ran through (0: none yet). */
  get handled(): number {
    return this.checked;
  }

  /** No more checks or retries. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private kick(): void {
    if (this.stopped || this.running || this.timer || this.heard === this.checked || this.o.fencing()) return;
    const inc = this.heard;
    this.running = true;
    this.o.clear(inc).then(
      (done) => {
        this.checked = inc;
        this.failures = 0;
        if (done) this.o.log("notice", "pill-cleared", done, { peerIncarnation: inc });
      },
      (e) => {
        const ms = Math.min((this.o.retryMs ?? 1000) * 2 ** this.failures++, this.o.maxRetryMs ?? 30000);
        this.o.log("warning", "pill-clear", `could not check the peer's mailbox for incarnation ${inc}: ${e instanceof Error ? e.message : String(e)}; trying again in ${ms} ms`, { peerIncarnation: inc });
        if (!this.stopped) this.timer = setTimeout(() => {
          this.timer = null;
          this.kick();
        }, ms);
      },
    ).finally(() => {
      this.running = false;
      this.kick();
    });
  }
}
