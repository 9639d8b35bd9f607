// `clusterguard guard`: the initrd program that decides ACTIVE or STANDBY before the root is mounted.
import type { Argv } from "yargs";
import { notYet } from "./not-yet.ts";

/** Register `guard`. */
export function guardCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "guard",
    "decide ACTIVE or STANDBY before the shared root is mounted (run from the initrd)",
    (a) =>
      a
        .option("node", { type: "string", describe: "this node's name (default: rd.clusterguard.node from /proc/cmdline)" })
        .option("host-mode", { type: "boolean", default: false, describe: "run on a booted host for tests: ACTIVE keeps heartbeating instead of continuing a boot" }),
    () => setExit(notYet("guard")),
  );
}
