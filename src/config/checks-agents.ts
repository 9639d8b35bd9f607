// Cross-checks on service monitoring agents: distinct names, timeout below interval.
import type { Checker, Draft } from "./validate-context.ts";

/** Each [[agent]] has a unique name and a timeout shorter than its interval. */
export function checkAgents(d: Draft, ck: Checker): void {
  const agents = d.agent ?? [];
  agents.forEach((a, i) => {
    if (a === undefined) return;
    const first = agents.findIndex((b) => b?.name !== undefined && b.name === a.name);
    if (first >= 0 && first < i) {
      ck.cross(["agent", i, "name"], a.name, `a value different from agent[${first}].name`);
    }
    if (typeof a.timeout === "number" && typeof a.interval === "number" && !(a.timeout < a.interval)) {
      ck.cross(["agent", i, "timeout"], a.timeout, `an integer less than agent[${i}].interval (${a.interval})`, [["agent", i, "interval"]]);
    }
  });
}
