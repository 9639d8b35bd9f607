// [[monitor]]: service monitors (interval, timeout, rise/fall smoothing, recovery policy), and the
// cross-checks: distinct names, timeout below interval.
import type { Checker, ConfigDraft } from "../validate.ts";
import { isPluginRef } from "./shapes.ts";
import { ms, name, type ListSpec } from "./spec.ts";

/** [[monitor]] */
export const MONITORS: ListSpec = {
  type: "list",
  doc: "service monitors",
  expect: "[[monitor]] tables",
  item: {
    type: "table",
    doc: "one service monitor",
    fields: {
      name: name("monitor", "monitor name"),
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

/** Each [[monitor]] has a unique name and a timeout shorter than its interval. */
export function checkMonitors(d: ConfigDraft, ck: Checker): void {
  const monitors = d.monitor ?? [];
  monitors.forEach((a, i) => {
    if (a === undefined) return;
    const first = monitors.findIndex((b) => b?.name !== undefined && b.name === a.name);
    if (first >= 0 && first < i) {
      ck.cross(["monitor", i, "name"], a.name, `a value different from monitor[${first}].name`);
    }
    if (typeof a.timeout === "number" && typeof a.interval === "number" && !(a.timeout < a.interval)) {
      ck.cross(["monitor", i, "timeout"], a.timeout, `an integer less than monitor[${i}].interval (${a.interval})`, [
        ["monitor", i, "interval"],
      ]);
    }
  });
}
