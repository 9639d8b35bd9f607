// Fencing the peer from a running node: the core's FencePeer action and an admin's `fence` both run the levels
// here, one fence at a time, aimed at the peer boot the core named; the outcome goes back to the core
// (fence-result) or to the admin, and is kept for status reports.
import type { Outcome } from "../core/types.ts";
import type { FenceDevice } from "../fence/device.ts";
import { runFence } from "../fence/runner.ts";
import type { Logger } from "../log/logger.ts";
import type { Clock } from "../sys/clock.ts";

/** The last fence's outcome, for `status`. */
export interface FenceInfo {
  state: "idle" | "fencing" | "failed" | "confirmed";
  last: string | null;
  at: string | null;
}

export interface NodeFencingOptions {
  peer: string;
  /** fencing.timeout: each level's time limit (or the level's own minimum, when larger). */
  timeoutMs: number;
  clock: Clock;
  log: Logger;
  /** The core's fence ended: feed its result back. */
  result(ok: boolean, device: string, detail: string): void;
  /** Any fence ended (a check of the peer's mailbox may have waited for it). */
  ended(): void;
}

/** One fence at a time, through the configured levels. */
export class NodeFencing {
  /** The levels, set once the runtime built them (they need the running node's context). */
  levels: readonly FenceDevice[] = [];
  info: FenceInfo = { state: "idle", last: null, at: null };
  private running = false;
  /** The peer boot the fence in flight is aimed at (what a poison pill names), or null. */
  private aimedAt: number | null = null;

  constructor(private readonly o: NodeFencingOptions) {}

  /** True while a fence runs. */
  get busy(): boolean {
    return this.running;
  }

  /** The boot the fence in flight is aimed at, or null (then a pill names the boot heard last). */
  get target(): number | null {
    return this.aimedAt;
  }

  /** The core asks for a fence of the peer boot `target`: run the levels, log each attempt, report the result. */
  forCore(action: "reset" | "off", target: number | null): void {
    if (this.running) return;
    void this.run(action, target).then((rep) => {
      for (const at of rep.attempts) {
        this.o.log.emit(
          at.confirmed ? "notice" : "warning",
          "fence-attempt",
          `${at.device}: ${at.confirmed ? "confirmed" : "failed"}: ${at.detail} (${at.ms} ms)`,
          { device: at.device, confirmed: at.confirmed, ms: at.ms, target: this.o.peer },
        );
      }
      this.o.result(rep.ok, rep.device, rep.detail);
      this.o.ended();
    });
  }

  /** An admin's fence of the peer boot heard last: resolves with the outcome (refused while one runs). */
  forAdmin(action: "reset" | "off", target: number | null): Promise<Outcome> {
    if (this.running) return Promise.resolve({ ok: false, detail: "a fence is already running" });
    return this.run(action, target).then((rep) => {
      this.o.log.emit(
        rep.ok ? "warning" : "error",
        rep.ok ? "fence-confirmed" : "fence-failed",
        `admin fence of ${this.o.peer}: ${rep.device}: ${rep.detail}`,
        { target: this.o.peer },
      );
      this.o.ended();
      return { ok: rep.ok, detail: `${rep.device}: ${rep.detail}` };
    });
  }

  private async run(action: "reset" | "off", target: number | null) {
    this.running = true;
    this.aimedAt = target;
    this.info = { ...this.info, state: "fencing" };
    const rep = await runFence(this.levels, this.o.peer, action, this.o.timeoutMs, this.o.clock);
    this.running = false;
    this.info = {
      state: rep.ok ? "confirmed" : "failed",
      last: `${rep.device}: ${rep.detail}`,
      at: new Date(this.o.clock.wall()).toISOString(),
    };
    return rep;
  }
}
