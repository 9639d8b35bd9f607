// `clusterguard agents [list|pause NAME|resume NAME]`: the service monitoring agents, and pausing or resuming one.
import type { Argv } from "yargs";
import type { MonitorStatus } from "../monitor/status.ts";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { renderMonitors } from "./render.ts";

const ACTIONS = ["list", "pause", "resume"] as const;

/** Register `agents`. */
export function agentsCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "agents [action] [name]",
    "list the service monitoring agents, or pause/resume one",
    (a) =>
      withConnectOptions(a, 30_000)
        .positional("action", { type: "string", default: "list", describe: "list, pause NAME or resume NAME" })
        .positional("name", { type: "string", describe: "the agent to pause or resume" })
        .option("json", { type: "boolean", default: false, describe: "print the agents as JSON" }),
    async (argv) => {
      const action = argv.action as (typeof ACTIONS)[number];
      const name = argv.name;
      if (!ACTIONS.includes(action)) {
        console.error(
          `clusterguard agents: unknown action ${JSON.stringify(action)}; expected one of: ${ACTIONS.join(", ")}`,
        );
        return setExit(EXIT_USAGE);
      }
      if (action !== "list" && name === undefined) {
        console.error(`clusterguard agents: ${action} needs the agent's NAME (see 'clusterguard agents list')`);
        return setExit(EXIT_USAGE);
      }
      if (action === "list" && name !== undefined) {
        console.error(`clusterguard agents: list takes no NAME; got ${JSON.stringify(name)}`);
        return setExit(EXIT_USAGE);
      }
      const req =
        action === "list"
          ? ({ op: "agents", action } as const)
          : ({ op: "agents", action, name: String(name) } as const);
      const r = await call<MonitorStatus[]>(argv as CallArgs, req, "agents");
      if (!r.ok) return setExit(r.code);
      if (argv.json) console.log(JSON.stringify(r.result));
      else {
        if (action !== "list") console.log(`${action === "pause" ? "paused" : "resumed"} ${name}`);
        console.log(renderMonitors(r.result, new Date().toISOString()).join("\n"));
      }
      setExit(EXIT_OK);
    },
  );
}
