// `clusterguard status`: both nodes' roles, link health, fence state, monitors and resources, from the management socket.
import type { Argv } from "yargs";
import type { StatusReport } from "../mgmt/protocol.ts";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_FAILURE } from "./exit-codes.ts";
import { judgeHealth } from "./health.ts";
import { ascii, renderStatus, reportProblem } from "./render.ts";

/** What the exit status says (clusterguard(8) and --help show it). */
export const STATUS_EXIT_CODES =
  "exit status: 0 healthy (one node ACTIVE, the other STANDBY, heard on every link, all links up, no fence running or failed, activation allowed, every monitor running and up, no resource failed); 1 no answer (the agent cannot be reached, refused, or sent a report of another shape); 2 usage error; 4 degraded (anything short of healthy while a node is ACTIVE); 5 not serving (this node is not ACTIVE and the peer is not an ACTIVE heard on a live link)";

/** Register `status`. */
export function statusCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "status",
    "show both nodes' roles, each link's health, fence state, monitors and resources; the exit status says whether the cluster is healthy (0), degraded (4) or not serving (5)",
    (a) =>
      withConnectOptions(a, 10_000)
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print the report as JSON (the exit status is the same)",
        })
        .epilog(STATUS_EXIT_CODES),
    async (argv) => {
      const r = await call<StatusReport>(argv as CallArgs, { op: "status" }, "status");
      if (!r.ok) return setExit(r.code);
      const problem = reportProblem(r.result);
      if (argv.json) {
        console.log(JSON.stringify(r.result));
        return setExit(problem === null ? judgeHealth(r.result).code : EXIT_FAILURE);
      }
      if (problem !== null) {
        console.error(
          `clusterguard status: ${problem}: is the agent a different clusterguard version? (--json shows the raw reply)`,
        );
        return setExit(EXIT_FAILURE);
      }
      const health = judgeHealth(r.result);
      console.log(
        [
          ...renderStatus(r.result),
          "",
          `  health     ${health.code === 0 ? "healthy" : `${health.state.toUpperCase()}: ${ascii(health.reasons.join("; "))}`} (exit ${health.code})`,
        ].join("\n"),
      );
      setExit(health.code);
    },
  );
}
