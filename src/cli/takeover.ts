// `clusterguard takeover`: ask this STANDBY node's agent to become ACTIVE (the agent refuses with a reason otherwise).
import type { Argv } from "yargs";
import { actionCommand } from "./action-command.ts";

/** Register `takeover`. */
export function takeoverCommand(y: Argv, setExit: (code: number) => void): Argv {
  return actionCommand(y, setExit, "takeover", "ask this node to become ACTIVE (refused with a reason when that is unsafe)");
}
