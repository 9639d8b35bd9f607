// keepalived's rise/fall smoothing as a pure step: consecutive results move health between unknown, up and down.
import type { ResultKind } from "./api.ts";
import type { Health } from "./events.ts";
import { isHealthy, isImmediate } from "./results.ts";

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
