// `clusterguard guard`: the initrd program that decides ACTIVE or STANDBY before the root is mounted.
import type { Argv } from "yargs";
import { formatConfigError } from "../config/index.ts";
import { runGuard } from "../guard/main.ts";
import { EXIT_USAGE } from "./exit-codes.ts";
import { withLinkOptions, runOptions } from "./link-options.ts";
import { loadBoth } from "./load-both.ts";

/** Register `guard`. */
export function guardCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "guard",
    "decide ACTIVE or STANDBY before the shared root is mounted (run from the initrd)",
    (a) => withLinkOptions(a),
    async (argv) => {
      if (argv["fence-record"] && !argv["host-mode"]) {
        console.error("clusterguard guard: --fence-record is a test agent and needs --host-mode");
        return setExit(EXIT_USAGE);
      }
      const both = loadBoth(String(argv.config), String(argv.authkey));
      if (!both.ok) {
        for (const e of both.errors) console.error(formatConfigError(e));
        console.error("clusterguard guard: refusing to run with a broken configuration; this node will not go ACTIVE");
        return setExit(EXIT_USAGE);
      }
      setExit(await runGuard(both.config, both.key, runOptions(argv)));
    },
  );
}
