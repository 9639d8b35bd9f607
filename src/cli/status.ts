// `clusterguard status`: both nodes' roles, link health, fence state, monitors and resources, from the management socket.
import type { Argv } from "yargs";
import type { StatusReport } from "../mgmt/protocol.ts";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_FAILURE, EXIT_OK } from "./exit-codes.ts";
import { renderStatus, reportProblem } from "./render.ts";

/** Register `status`. */
export function statusCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "status",
    "show both nodes' roles, each link's health, fence state, monitors and resources",
    (a) =>
      withConnectOptions(a, 10_000).option("json", {
        type: "boolean",
        default: false,
        describe: "print the report as JSON",
      }),
    async (argv) => {
      const r = await call<StatusReport>(argv as CallArgs, { op: "status" }, "status");
      if (!r.ok) return setExit(r.code);
      if (argv.json) {
        console.log(JSON.stringify(r.result));
        return setExit(EXIT_OK);
      }
      const problem = reportProblem(r.result);
      if (problem !== null) {
        console.error(
          `clusterguard status: ${problem}: is the agent a different clusterguard version? (--json shows the raw reply)`,
        );
        return setExit(EXIT_FAILURE);
      }
      console.log(renderStatus(r.result).join("\n"));
      setExit(EXIT_OK);
    },
  );
}
