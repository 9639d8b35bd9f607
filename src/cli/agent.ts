// `clusterguard agent`: the post-boot daemon (heartbeats as ACTIVE, service monitoring, management).
import type { Argv } from "yargs";
import { notYet } from "./not-yet.ts";

/** Register `agent`. */
export function agentCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command("agent", "run the post-boot daemon: heartbeats, service monitoring agents, management socket", {}, () => setExit(notYet("agent")));
}
