// `clusterguard agent`: the post-boot daemon (takes the links over from the guard, heartbeats as ACTIVE, serves).
import type { Argv } from "yargs";
import { runAgent } from "../agent/main.ts";
import { formatConfigError } from "../config/index.ts";
import { EXIT_USAGE } from "./exit-codes.ts";
import { runOptions, withLinkOptions } from "./link-options.ts";
import { loadBoth } from "./load-both.ts";

/** Register `agent`. */
export function agentCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "agent",
    "run the post-boot daemon: take the links over from the guard, heartbeats, service monitoring agents, management socket",
    (a) =>
      withLinkOptions(a)
        .option("handover-file", { type: "string", describe: "where a stopped agent leaves its links' state (default /run/clusterguard/handover.json)" })
        .option("management-socket", { type: "string", describe: "override management.socket" }),
    async (argv) => {
      if (argv["fence-record"] && !argv["host-mode"]) {
        console.error("clusterguard agent: --fence-record is a test agent and needs --host-mode");
        return setExit(EXIT_USAGE);
      }
      const both = loadBoth(String(argv.config), String(argv.authkey));
      if (!both.ok) {
        for (const e of both.errors) console.error(formatConfigError(e));
        return setExit(EXIT_USAGE);
      }
      setExit(await runAgent(both.config, both.key, { ...runOptions(argv), ...(argv["handover-file"] ? { handoverFile: String(argv["handover-file"]) } : {}), ...(argv["management-socket"] ? { managementSocket: String(argv["management-socket"]) } : {}) }));
    },
  );
}
