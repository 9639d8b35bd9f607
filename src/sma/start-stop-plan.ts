// Which start/stop steps `sma test --start-stop` runs, as ocf-tester does: from the state the service is found in,
// through the other state and back, each action twice (it must be idempotent), a monitor after each; pure.
import type { ResultKind } from "./api.ts";

/** One step: an action or a monitor, and the result classes the contract allows there. */
export interface PlanStep {
  op: "start" | "stop" | "monitor";
  label: string;
  expect: readonly ResultKind[];
  why: string;
}

const STOP_OK: readonly ResultKind[] = ["running", "not-running"];
const step = (op: PlanStep["op"], label: string, expect: readonly ResultKind[], why: string): PlanStep => ({ op, label, expect, why });

/** Stop twice, then a monitor that must say not running. */
function stopping(): PlanStep[] {
  return [
    step("stop", "stop", STOP_OK, "a stop succeeds"),
    step("monitor", "monitor after stop", ["not-running"], "a stopped service is cleanly not running"),
    step("stop", "stop again (already stopped)", STOP_OK, "stopping a stopped service succeeds"),
    step("monitor", "monitor after the second stop", ["not-running"], "still cleanly stopped"),
  ];
}

/** Start twice, then a monitor that must say running. */
function starting(): PlanStep[] {
  return [
    step("start", "start", ["running"], "a start succeeds"),
    step("monitor", "monitor after start", ["running"], "a started service runs"),
    step("start", "start again (already running)", ["running"], "starting a running service succeeds"),
    step("monitor", "monitor after the second start", ["running"], "still running"),
  ];
}

/** The steps for a service found `found`; null when it is neither running nor cleanly stopped (not touched). */
export function startStopPlan(found: ResultKind): PlanStep[] | null {
  if (found === "running") return [...stopping(), ...starting()];
  if (found === "not-running") return [...starting(), ...stopping()];
  return null;
}
