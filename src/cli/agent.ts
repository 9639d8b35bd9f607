// `clusterguard agent`: the post-boot daemon (takes the links over from the guard, heartbeats as ACTIVE, serves).
import type { Argv } from "yargs";
import { runAgent } from "../agent/main.ts";
import { loadForRun, runOptions, withLinkOptions } from "./link-options.ts";

/** Register `agent`. */
export function agentCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "agent",
    "run the post-boot daemon: take the links over from the guard, heartbeats, service monitoring agents, management socket",
    (a) =>
      withLinkOptions(a)
        .option("handover-file", { type: "string", describe: "where a stopped agent leaves its links' state (default /run/clusterguard/handover.json)" }),
    async (argv) => {
      const both = loadForRun(argv, "agent", "");
      if (typeof both === "number") return setExit(both);
      setExit(await runAgent(both.config, both.key, { ...runOptions(argv), ...(argv["handover-file"] ? { handoverFile: String(argv["handover-file"]) } : {}) }));
    },
  );
}
