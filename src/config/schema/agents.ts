// [[agent]]: service monitoring agents (interval, timeout, rise/fall smoothing, recovery policy), and the
// cross-checks: distinct names, timeout below interval.
import type { Checker, Draft } from "../validate.ts";
import { isPluginRef } from "./shapes.ts";
import { ms, name, type ListSpec } from "./spec.ts";

/** [[agent]] */
export const AGENTS: ListSpec = {
  type: "list",
  doc: "service monitoring agents",
  expect: "[[agent]] tables",
  item: {
    type: "table",
    doc: "one service monitoring agent",
    fields: {
      name: name("agent", "agent name"),
      plugin: {
        type: "string",
        doc: "built-in plugin name or path to a plugin",
        check: isPluginRef,
        required: true,
        expect: 'a built-in plugin name (like "systemd") or an absolute path',
      },
      interval: ms("time between checks", 10000, 100, 86400000),
      timeout: ms("how long one check may take (less than interval)", 5000, 10, 86400000),
      rise: { type: "int", doc: "consecutive successes before the service counts as up", min: 1, max: 100, default: 1 },
      fall: {
        type: "int",
        doc: "consecutive failures before the service counts as down",
        min: 1,
        max: 100,
        default: 3,
      },
      max_restarts: {
        type: "int",
        doc: "restarts allowed within restart_window before on_fail escalates",
        min: 0,
        max: 1000,
        default: 3,
      },
      restart_window: ms("window in which restarts are counted", 600000, 1000, 86400000),
      on_fail: {
        type: "enum",
        doc: "what to do when the service is down",
        values: ["restart", "failover", "stop"],
        default: "restart",
      },
      params: { type: "map", doc: "plugin parameters" },
    },
  },
};

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
      ck.cross(["agent", i, "timeout"], a.timeout, `an integer less than agent[${i}].interval (${a.interval})`, [
        ["agent", i, "interval"],
      ]);
    }
  });
}
