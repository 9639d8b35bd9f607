// `clusterguard fence PEER --confirm`: fence a node now through the configured levels; refuses without --confirm.
import type { Argv } from "yargs";
import { ACTION_TIMEOUT_MS } from "./action-command.ts";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";

/** Register `fence`. */
export function fenceCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "fence <peer>",
    "fence (reset or power off) PEER now through the configured fence levels",
    (a) =>
      withConnectOptions(a, ACTION_TIMEOUT_MS)
        .positional("peer", { type: "string", demandOption: true, describe: "the node to fence" })
        .option("confirm", { type: "boolean", default: false, describe: "required: you mean it" })
        .option("json", { type: "boolean", default: false, describe: "print the reply as JSON" }),
    async (argv) => {
      if (argv.peer === undefined) return setExit(EXIT_USAGE);
      const peer = String(argv.peer);
      if (!argv.confirm) {
        console.error(`clusterguard fence: fencing resets or powers off ${peer} at once; nothing was done. Add --confirm to do it`);
        return setExit(EXIT_USAGE);
      }
      const r = await call<string>(argv as CallArgs, { op: "fence", target: peer, confirm: true }, "fence");
      if (!r.ok) return setExit(r.code);
      console.log(argv.json ? JSON.stringify({ ok: true, result: r.result }) : `fence ${peer}: ${r.result}`);
      setExit(EXIT_OK);
    },
  );
}
