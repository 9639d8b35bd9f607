// `clusterguard keygen`: write a fresh random authkey, root-owned, mode 0600.
import type { Argv } from "yargs";
import { formatConfigError, writeAuthkey } from "../config/index.ts";
import { EXIT_FAILURE, EXIT_OK } from "./exit-codes.ts";

/** Register `keygen`. */
export function keygenCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "keygen",
    "write a fresh random authkey (mode 0600) to --authkey; copy the same file to both nodes",
    (a) => a.option("force", { type: "boolean", default: false, describe: "replace an existing key" }),
    (argv) => {
      const path = String(argv.authkey);
      const r = writeAuthkey(path, { force: Boolean(argv.force) });
      if (r.ok) {
        console.log(`wrote ${path} (mode 0600); copy it to the other node`);
        setExit(EXIT_OK);
      } else {
        for (const e of r.errors) console.error(formatConfigError(e));
        setExit(EXIT_FAILURE);
      }
    },
  );
}
