// The monitor runner: one check loop per [[monitor]], escalations and events out, status and admin pause/resume in.
// Below it, MonitorLoop: the loop of one monitor, keepalived-style.

import type { MonitorConfig } from "../config/types.ts";
import type { Awaitable, MonitorResult, Params, PluginContext, MonitorPlugin } from "./api.ts";
import { isHealthy, isImmediate, validateOp, withDefaults } from "./contract.ts";
import {
  type Clock,
  DEFAULT_RECOVER_TIMEOUT,
  makeContext,
  type OpOutcome,
  type OpRun,
  pluginLogger,
  realClock,
  runOp,
} from "./operation.ts";
import { decideRecovery, inWindow, repeatFailover, type Smoothed, smooth, UNKNOWN } from "./policy.ts";
import type { Escalation, MonitorEvent, MonitorRun, MonitorRunState, MonitorStatus } from "./status.ts";

/** How long a failover request may leave a service down before it is made again, ms. */
export const DEFAULT_FAILOVER_RETRY_MS = 60_000;

/** A [[monitor]] and its loaded plugin. */
export interface MonitorSpec {
  config: MonitorConfig;
  plugin: MonitorPlugin;
}

/** Callbacks and knobs; everything is optional. */
export interface RunnerOptions {
  clock?: Clock;
  /** A failover or stop request (one per down episode and monitor; a failover that left it down is repeated). */
  onEscalate?: (e: Escalation) => void;
  /** Every state change, result, health change, skip, decision and plugin log line. */
  onEvent?: (e: MonitorEvent) => void;
  /** Runs kept per monitor in status().history (default 20). */
  historySize?: number;
  /** How long stop() waits for each aborted operation, ms (default 3000). */
  stopGraceMs?: number;
  /** A failover request that leaves the service down is made again after this long, ms (default 60000). */
  failoverRetryMs?: number;
}

/** Runs every monitor's loop. */
export class MonitorRunner {
  private readonly loops = new Map<string, MonitorLoop>();
  private started = false;

  constructor(monitors: readonly MonitorSpec[], opts: RunnerOptions = {}) {
    const deps = {
      clock: opts.clock ?? realClock,
      emit: (e: MonitorEvent) => {
        try {
          opts.onEvent?.(e);
        } catch {
          // a failing event sink must not stop the checks
        }
      },
      escalate: (e: Escalation) => opts.onEscalate?.(e),
      historySize: opts.historySize ?? 20,
      stopGraceMs: opts.stopGraceMs ?? 3000,
      failoverRetryMs: opts.failoverRetryMs ?? DEFAULT_FAILOVER_RETRY_MS,
    };
    for (const a of monitors) {
      if (this.loops.has(a.config.name)) throw new Error(`two monitors named ${a.config.name}; expected unique names`);
      this.loops.set(a.config.name, new MonitorLoop(a.config, a.plugin, deps));
    }
  }

  /** Start every loop (the first checks run at once); a second call does nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const l of this.loops.values()) l.start();
  }

  /** Stop every loop, aborting runs in progress and waiting (bounded) for them to end. */
  async stop(): Promise<void> {
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
  }

  /** Pause monitor `name` (admin); false when there is no such monitor or it is not active. */
  pause(name: string): boolean {
    return this.loops.get(name)?.pause() ?? false;
  }

  /** Resume a paused or stopped monitor `name` (admin); false when there is no such monitor or it is active. */
  resume(name: string): boolean {
    return this.loops.get(name)?.resume() ?? false;
  }

  /** Every monitor's state, in configuration order. */
  status(): MonitorStatus[] {
    return [...this.loops.values()].map((l) => l.status());
  }
}

// One monitor's check loop, keepalived-style: a tick every interval, run states, rise/fall, and the recovery policy applied.

/** What a loop needs from its runner. */
interface LoopDeps {
  clock: Clock;
  emit(e: MonitorEvent): void;
  escalate(e: Escalation): void;
  historySize: number;
  /** How long stop() waits for an aborted operation to end, ms. */
  stopGraceMs: number;
  /** How long a failover request may leave the service down before it is made again, ms. */
  failoverRetryMs: number;
}

type Mode = "active" | "paused" | "stopped";
type Busy = "idle" | "running" | "terminating";

/** The loop of one [[monitor]]. */
class MonitorLoop {
  private mode: Mode = "active";
  private busy: Busy = "idle";
  private smoothed: Smoothed = UNKNOWN;
  private restarts: number[] = [];
  private history: MonitorRun[] = [];
  private skipped = 0;
  private latched = false;
  /** When the pending escalation was made, and how many requests this down episode made. */
  private latchedAt = 0;
  private escalations = 0;
  private validated = false;
  private pendingRecover = false;
  private lastEscalation: MonitorStatus["lastEscalation"];
  private cancelTick: (() => void) | undefined;
  private current: OpRun | undefined;
  private readonly params: Params;

  constructor(
    readonly config: MonitorConfig,
    readonly plugin: MonitorPlugin,
    private readonly deps: LoopDeps,
  ) {
    this.params = withDefaults(plugin.meta, config.params);
  }

  /** The reported run state: paused and stopped win over what an operation is doing. */
  state(): MonitorRunState {
    return this.mode === "active" ? this.busy : this.mode;
  }

  /** Begin checking now (the first check runs at once). */
  start(): void {
    this.schedule(0);
  }

  /** Stop checking (admin); a run in progress finishes and is recorded but changes nothing. False unless active. */
  pause(): boolean {
    if (this.mode !== "active") return false;
    this.change("paused by an admin", () => (this.mode = "paused"));
    this.unschedule();
    return true;
  }

  /** Check again from scratch (admin): health unknown; from stopped also a fresh restart window and validation. False if active. */
  resume(): boolean {
    const from = this.mode;
    if (from === "active") return false;
    this.change("resumed by an admin", () => (this.mode = "active"));
    this.smoothed = UNKNOWN;
    this.latched = false;
    this.pendingRecover = false;
    if (from === "stopped") {
      this.restarts = [];
      this.validated = false;
    }
    this.schedule(0);
    return true;
  }

  /** End the loop: no more checks; the operation in progress is aborted and awaited (bounded). */
  async stop(): Promise<void> {
    this.change("the runner stopped", () => (this.mode = "stopped"));
    this.unschedule();
    const cur = this.current;
    if (cur === undefined) return;
    cur.abort();
    let cancel = () => {};
    await Promise.race([
      cur.settled,
      new Promise<void>((r) => (cancel = this.deps.clock.setTimer(r, this.deps.stopGraceMs))),
    ]);
    cancel();
  }

  /** This monitor as `clusterguard status` shows it. */
  status(): MonitorStatus {
    const s: MonitorStatus = {
      name: this.config.name,
      plugin: this.config.plugin,
      state: this.state(),
      ...this.smoothed,
      restartsInWindow: inWindow(this.restarts, this.deps.clock.now(), this.config.restart_window).length,
      history: [...this.history],
      skipped: this.skipped,
    };
    if (this.lastEscalation !== undefined) s.lastEscalation = this.lastEscalation;
    return s;
  }

  private tick(): void {
    this.cancelTick = undefined;
    if (this.mode !== "active") return;
    this.schedule(this.config.interval);
    if (this.busy === "idle") {
      void this.cycle();
      return;
    }
    this.skipped += 1;
    const reason =
      this.busy === "running"
        ? "the previous run is still running"
        : "the previous run is still terminating after its abort";
    this.deps.emit({ type: "skip", monitor: this.config.name, skipped: this.skipped, reason });
    if (this.busy === "terminating" && this.validated) {
      const r: MonitorResult = { result: "soft-error", reason: `check skipped: ${reason}` };
      this.record("monitor", r, 0);
      this.observe(r);
    }
  }

  private async cycle(): Promise<void> {
    if (!this.validated) {
      const v = await this.op(
        "validate",
        validateOp(this.plugin, this.config.params, this.params),
        this.config.timeout,
      );
      if (v === null || this.mode !== "active") return;
      // Not valid (yet): a result like a monitor's, through rise/fall and the policy (fatal stops, hard fails over).
      if (v.result.result !== "running") return this.observe(v.result);
      this.validated = true;
    }
    const out = await this.op("monitor", (ctx) => this.plugin.monitor(ctx), this.config.timeout);
    if (out !== null) this.observe(out.result);
  }

  private async recover(): Promise<void> {
    const recover = this.plugin.recover;
    if (recover === undefined) return;
    const out = await this.op(
      "recover",
      (ctx) => recover.call(this.plugin, ctx),
      this.plugin.meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT,
    );
    if (out !== null && isImmediate(out.result.result)) this.observe(out.result);
  }

  /** Run one operation: running, then idle, or terminating until the plugin's promise ends after a timeout. */
  private async op(
    name: MonitorRun["op"],
    fn: (ctx: PluginContext) => Awaitable<unknown>,
    timeout: number,
  ): Promise<OpOutcome | null> {
    const run = runOp(name, fn, (signal) => this.context(signal, timeout), timeout, this.deps.clock);
    this.current = run;
    this.change(`${name} started`, () => (this.busy = "running"));
    const out = await run.done;
    if (out !== null) this.record(name, out.result, out.ms);
    if (out === null || out.timedOut) {
      if (out !== null)
        this.change(`${name} timed out; aborted, waiting for it to end`, () => (this.busy = "terminating"));
      void run.settled.then(() => this.settle(run, `${name} ended after its abort`));
    } else {
      this.settle(run, `${name} done`);
    }
    return out;
  }

  private settle(run: OpRun, reason: string): void {
    if (this.current !== run) return;
    this.current = undefined;
    this.change(reason, () => (this.busy = "idle"));
    if (this.pendingRecover && this.mode === "active") {
      this.pendingRecover = false;
      void this.recover();
    }
  }

  /**
   * Feed one result to rise/fall; when it trips (and no escalation is pending), apply the policy. A failover
   * request that left the service down (refused: the peer was not a heard STANDBY) is made again every
   * failoverRetryMs, through the policy again (restarts that aged out of the window come first).
   */
  private observe(r: MonitorResult): void {
    if (this.mode !== "active") return;
    const from = this.smoothed.health;
    const step = smooth(this.smoothed, r.result, this.config.rise, this.config.fall);
    this.smoothed = step.next;
    if (from !== step.next.health) {
      this.deps.emit({
        type: "health",
        monitor: this.config.name,
        from,
        to: step.next.health,
        reason: `${r.result}: ${r.reason}`,
      });
      if (step.next.health === "up") this.latched = false;
    }
    if (step.tripped && !this.latched) return this.apply(r);
    const now = this.deps.clock.now();
    if (
      this.latched &&
      repeatFailover({
        health: step.next.health,
        failing: !isHealthy(r.result),
        lastAction: this.lastEscalation?.action,
        latchedAt: this.latchedAt,
        now,
        everyMs: this.deps.failoverRetryMs,
      })
    ) {
      this.apply(r, `still down ${Math.round(now - this.latchedAt)} ms after asking for failover, asking again: `);
    }
  }

  private apply(r: MonitorResult, again = ""): void {
    const c = this.config;
    const canRecover = typeof this.plugin.recover === "function" && this.plugin.canRecover?.(this.params) !== false;
    const d = decideRecovery({
      kind: r.result,
      onFail: c.on_fail,
      canRecover,
      maxRestarts: c.max_restarts,
      restartWindow: c.restart_window,
      restarts: this.restarts,
      now: this.deps.clock.now(),
    });
    this.restarts = d.restarts;
    this.latched = false;
    const reason = `${again}${d.reason}`;
    this.deps.emit({ type: "decision", monitor: c.name, action: d.action, reason });
    if (d.action === "recover") {
      this.smoothed = { ...this.smoothed, consecutiveFail: 0 };
      if (this.busy === "idle") void this.recover();
      else this.pendingRecover = true;
      return;
    }
    this.latched = true;
    this.latchedAt = this.deps.clock.now();
    this.escalations = again === "" ? 1 : this.escalations + 1;
    this.lastEscalation = { at: this.deps.clock.wall().toISOString(), action: d.action, reason };
    if (d.action === "stop") {
      this.change(d.reason, () => (this.mode = "stopped"));
      this.unschedule();
    }
    try {
      this.deps.escalate({
        monitor: c.name,
        action: d.action,
        reason,
        ...(this.escalations > 1 ? { repeat: this.escalations } : {}),
      });
    } catch {
      // the daemon's handler failing must not stop the loop; the decision event is already out
    }
  }

  private record(op: MonitorRun["op"], r: MonitorResult, ms: number): void {
    const run: MonitorRun = { at: this.deps.clock.wall().toISOString(), op, result: r.result, reason: r.reason, ms };
    this.history.push(run);
    if (this.history.length > this.deps.historySize)
      this.history.splice(0, this.history.length - this.deps.historySize);
    this.deps.emit({ type: "result", monitor: this.config.name, run });
  }

  private context(signal: AbortSignal, timeout: number): PluginContext {
    const log = pluginLogger((level, message) =>
      this.deps.emit({ type: "log", monitor: this.config.name, level, message }),
    );
    return makeContext(this.config.name, this.params, signal, timeout, log);
  }

  private change(reason: string, mutate: () => void): void {
    const from = this.state();
    mutate();
    const to = this.state();
    if (from !== to) this.deps.emit({ type: "state", monitor: this.config.name, from, to, reason });
  }

  private schedule(ms: number): void {
    this.unschedule();
    this.cancelTick = this.deps.clock.setTimer(() => this.tick(), ms);
  }

  private unschedule(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }
}
