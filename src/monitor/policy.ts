// The recovery policy as a pure function: restart in place, fail over, or stop (and wait for an admin); below it,
// the rise/fall smoothing that decides when a failure trips it.

import type { OnFail } from "../config/types.ts";
import type { ResultKind } from "./api.ts";
import { isHealthy, isImmediate } from "./contract.ts";
import type { Health } from "./status.ts";

/** What the policy is asked about: the failure that tripped, the monitor's settings and its restart history. */
export interface PolicyInput {
  kind: ResultKind;
  onFail: OnFail;
  /** The plugin has recover() and it can work with these parameters (canRecover). */
  canRecover: boolean;
  maxRestarts: number;
  /** ms */
  restartWindow: number;
  /** Monotonic times of earlier recoveries. */
  restarts: readonly number[];
  now: number;
}

/** The action to take, why, and the restart times to keep (the new one included when recovering). */
export interface Decision {
  action: "recover" | "failover" | "stop";
  reason: string;
  restarts: number[];
}

/** The restarts that still count: those less than `window` ms before `now` (a sliding window). */
export function inWindow(restarts: readonly number[], now: number, window: number): number[] {
  return restarts.filter((t) => now - t < window);
}

/**
 * fatal or on_fail=stop: stop (no failover ping-pong over a configuration problem);
 * hard error or on_fail=failover: fail over; soft failure with on_fail=restart: recover
 * while fewer than max_restarts happened within restart_window, else fail over.
 */
export function decideRecovery(i: PolicyInput): Decision {
  const recent = inWindow(i.restarts, i.now, i.restartWindow);
  const give = (action: Decision["action"], reason: string): Decision => ({ action, reason, restarts: recent });
  if (i.kind === "fatal")
    return give("stop", "fatal result (not configured): stopping the monitor until an admin resumes it");
  if (i.onFail === "stop")
    return give("stop", `${i.kind} and on_fail = "stop": stopping the monitor until an admin resumes it`);
  if (i.kind === "hard-error") return give("failover", "hard error: restarting on this node cannot help");
  if (i.onFail === "failover") return give("failover", `${i.kind} and on_fail = "failover"`);
  if (!i.canRecover)
    return give(
      "failover",
      `${i.kind} and the plugin cannot restart the service in place (no recover, or not with these parameters)`,
    );
  if (recent.length >= i.maxRestarts) {
    return give(
      "failover",
      `${i.kind} after ${recent.length} restart(s) within ${i.restartWindow} ms (max_restarts = ${i.maxRestarts})`,
    );
  }
  return {
    action: "recover",
    reason: `${i.kind}: restart ${recent.length + 1} of ${i.maxRestarts} within ${i.restartWindow} ms`,
    restarts: [...recent, i.now],
  };
}

/** What repeatFailover looks at: the monitor's smoothed health, this result, the pending request and its age. */
export interface RepeatInput {
  health: "up" | "down" | "unknown";
  /** This result is a failure. */
  failing: boolean;
  /** The pending escalation's action, if any. */
  lastAction: "failover" | "stop" | undefined;
  /** Monotonic time the pending request was made. */
  latchedAt: number;
  now: number;
  everyMs: number;
}

/** A failover request that left the service down (the switchover refused or not run) is made again every `everyMs`. */
export function repeatFailover(i: RepeatInput): boolean {
  return i.lastAction === "failover" && i.health === "down" && i.failing && i.now - i.latchedAt >= i.everyMs;
}

// keepalived's rise/fall smoothing as a pure step: consecutive results move health between unknown, up and down.

/** Smoothed health and the counters behind it. */
export interface Smoothed {
  health: Health;
  consecutiveOk: number;
  consecutiveFail: number;
}

/** Before the first result: unknown, no counts. */
export const UNKNOWN: Smoothed = { health: "unknown", consecutiveOk: 0, consecutiveFail: 0 };

/** One step's outcome: the next state and whether this failure calls for the recovery policy. */
export interface SmoothStep {
  next: Smoothed;
  /** True when the failure count just reached `fall`, or the result is hard-error/fatal (no smoothing for those). */
  tripped: boolean;
}

/** Feed one result: `rise` successes in a row mean up, `fall` failures in a row mean down. */
export function smooth(s: Smoothed, kind: ResultKind, rise: number, fall: number): SmoothStep {
  if (isHealthy(kind)) {
    const ok = s.consecutiveOk + 1;
    return { next: { health: ok >= rise ? "up" : s.health, consecutiveOk: ok, consecutiveFail: 0 }, tripped: false };
  }
  const fail = s.consecutiveFail + 1;
  const now = isImmediate(kind);
  return {
    next: { health: now || fail >= fall ? "down" : s.health, consecutiveOk: 0, consecutiveFail: fail },
    tripped: now || fail === fall,
  };
}
