// `clusterguard standby`: planned switchover, this ACTIVE node hands over cleanly to the peer.
import type { Argv } from "yargs";
import { actionCommand } from "./action-command.ts";

/** Register `standby`. */
export function standbyCommand(y: Argv, setExit: (code: number) => void): Argv {
  return actionCommand(y, setExit, "standby", "planned switchover: this ACTIVE node hands over to the peer");
}
