// `clusterguard status`: both nodes' roles, link health, fence state, agents (from the management socket).
import type { Argv } from "yargs";
import { notYet } from "./not-yet.ts";

/** Register `status`. */
export function statusCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "status",
    "show both nodes' roles, each link's health, fence state and agents",
    (a) => a.option("json", { type: "boolean", default: false, describe: "print as JSON" }),
    () => setExit(notYet("status")),
  );
}
