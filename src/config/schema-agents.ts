// [[agent]]: service monitoring agents (interval, timeout, rise/fall smoothing, recovery policy).
import { isPluginRef } from "./schema-checks.ts";
import { ms, name } from "./schema-fields.ts";
import type { ListSpec } from "./schema-types.ts";

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
      fall: { type: "int", doc: "consecutive failures before the service counts as down", min: 1, max: 100, default: 3 },
      max_restarts: { type: "int", doc: "restarts allowed within restart_window before on_fail escalates", min: 0, max: 1000, default: 3 },
      restart_window: ms("window in which restarts are counted", 600000, 1000, 86400000),
      on_fail: { type: "enum", doc: "what to do when the service is down", values: ["restart", "failover", "stop"], default: "restart" },
      params: { type: "map", doc: "plugin parameters" },
    },
  },
};
