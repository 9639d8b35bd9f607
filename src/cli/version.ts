// `clusterguard version`: the release and the runtime it was built with.
import pkg from "../../package.json" with { type: "json" };
import type { Argv } from "yargs";
import { EXIT_OK } from "./exit-codes.ts";

/** The release number, baked in at build time. */
export const VERSION: string = pkg.version;

/** Register the `version` command. */
export function versionCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "version",
    "print the version and exit",
    (a) => a.option("json", { type: "boolean", default: false, describe: "print as JSON" }),
    (argv) => {
      const info = { clusterguard: VERSION, bun: Bun.version, protocol: 1 };
      console.log(argv.json ? JSON.stringify(info) : `clusterguard ${VERSION} (bun ${Bun.version}, protocol 1)`);
      setExit(EXIT_OK);
    },
  );
}
