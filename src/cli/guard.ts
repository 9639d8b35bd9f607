// `clusterguard guard`: the initrd program that decides ACTIVE or STANDBY before the root is mounted.
import type { Argv } from "yargs";
import { runGuard } from "../guard/main.ts";
import { loadForRun, runOptions, withLinkOptions } from "./link-options.ts";

/** Register `guard`. */
export function guardCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "guard",
    "decide ACTIVE or STANDBY before the shared root is mounted (run from the initrd)",
    (a) => withLinkOptions(a),
    async (argv) => {
      const both = loadForRun(argv, "guard", "refusing to run with a broken configuration; this node will not go ACTIVE");
      if (typeof both === "number") return setExit(both);
      setExit(await runGuard(both.config, both.key, runOptions(argv)));
    },
  );
}
