// The SMA runner: one check loop per [[agent]], escalations and events out, status and admin pause/resume in.
import type { ServiceAgentConfig } from "../config/types.ts";
import { AgentLoop } from "./agent-loop.ts";
import type { SmaPlugin } from "./api.ts";
import { type Clock, realClock } from "./clock.ts";
import type { Escalation, SmaEvent } from "./events.ts";
import type { SmaStatus } from "./status.ts";

/** How long a failover request may leave an agent down before it is made again, ms. */
export const DEFAULT_FAILOVER_RETRY_MS = 60_000;

/** An [[agent]] and its loaded plugin. */
export interface AgentSpec {
  config: ServiceAgentConfig;
  plugin: SmaPlugin;
}

/** Callbacks and knobs; everything is optional. */
export interface RunnerOptions {
  clock?: Clock;
  /** A failover or stop request (one per down episode and agent; a failover that left it down is repeated). */
  onEscalate?: (e: Escalation) => void;
  /** Every state change, result, health change, skip, decision and plugin log line. */
  onEvent?: (e: SmaEvent) => void;
  /** Runs kept per agent in status().history (default 20). */
  historySize?: number;
  /** How long stop() waits for each aborted operation, ms (default 3000). */
  stopGraceMs?: number;
  /** A failover request that leaves the agent down is made again after this long, ms (default 60000). */
  failoverRetryMs?: number;
}

/** Runs every agent's loop. */
export class SmaRunner {
  private readonly loops = new Map<string, AgentLoop>();
  private started = false;

  constructor(agents: readonly AgentSpec[], opts: RunnerOptions = {}) {
    const deps = {
      clock: opts.clock ?? realClock,
      emit: (e: SmaEvent) => {
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
    for (const a of agents) {
      if (this.loops.has(a.config.name)) throw new Error(`two agents named ${a.config.name}; expected unique names`);
      this.loops.set(a.config.name, new AgentLoop(a.config, a.plugin, deps));
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

  /** Pause agent `name` (admin); false when there is no such agent or it is not active. */
  pause(name: string): boolean {
    return this.loops.get(name)?.pause() ?? false;
  }

  /** Resume a paused or stopped agent `name` (admin); false when there is no such agent or it is active. */
  resume(name: string): boolean {
    return this.loops.get(name)?.resume() ?? false;
  }

  /** Every agent's state, in configuration order. */
  status(): SmaStatus[] {
    return [...this.loops.values()].map((l) => l.status());
  }
}
