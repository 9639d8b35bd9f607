// The one-shot actions sent to the agent: `takeover`, `standby` (send one op, print the agent's answer) and
// `fence PEER --confirm` (fence a node now through the configured levels; refuses without --confirm), and
// `fence PEER --manual --confirm` (the peer is off already, checked by hand: counted as a confirmed fence).
import type { Argv } from "yargs";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";

/** Actions wait this long by default: they may run a fence or stop resources. */
export const ACTION_TIMEOUT_MS = 120_000;

/** Register `name` as a command that sends `{op: name}` and prints the result string. */
function actionCommand(y: Argv, setExit: (code: number) => void, name: "takeover" | "standby", describe: string): Argv {
  return y.command(
    name,
    describe,
    (a) =>
      withConnectOptions(a, ACTION_TIMEOUT_MS).option("json", {
        type: "boolean",
        default: false,
        describe: "print the reply as JSON",
      }),
    async (argv) => {
      const r = await call<string>(argv as CallArgs, { op: name }, name);
      if (!r.ok) return setExit(r.code);
      console.log(argv.json ? JSON.stringify({ ok: true, result: r.result }) : `${name}: ${r.result}`);
      setExit(EXIT_OK);
    },
  );
}

/** Register `takeover`: ask this STANDBY node's agent to become ACTIVE (the agent refuses with a reason otherwise). */
export function takeoverCommand(y: Argv, setExit: (code: number) => void): Argv {
  return actionCommand(
    y,
    setExit,
    "takeover",
    "ask this node to become ACTIVE (refused with a reason when that is unsafe)",
  );
}

/** Register `standby`: planned switchover, this ACTIVE node hands over cleanly to the peer. */
export function standbyCommand(y: Argv, setExit: (code: number) => void): Argv {
  return actionCommand(y, setExit, "standby", "planned switchover: this ACTIVE node hands over to the peer");
}

/** Register `fence`. */
export function fenceCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "fence <peer>",
    "fence (reset or power off) PEER now through the configured fence levels",
    (a) =>
      withConnectOptions(a, ACTION_TIMEOUT_MS)
        .positional("peer", { type: "string", demandOption: true, describe: "the node to fence" })
        .option("confirm", { type: "boolean", default: false, describe: "required: you mean it" })
        .option("manual", {
          type: "boolean",
          default: false,
          describe:
            "fence nothing: PEER is off already, checked by hand (its BMC and power are dead); count it as fenced (Pacemaker's stonith_admin --confirm). Refused while PEER is heard. Wrong, this is a split brain",
        })
        .option("json", { type: "boolean", default: false, describe: "print the reply as JSON" }),
    async (argv) => {
      if (argv.peer === undefined) return setExit(EXIT_USAGE);
      const peer = String(argv.peer);
      if (!argv.confirm) {
        console.error(
          argv.manual
            ? `clusterguard fence --manual: the guard will take ${peer} for off and may go ACTIVE: if ${peer} still runs, both write the shared disk; nothing was done. Check that ${peer} is powered off, then add --confirm`
            : `clusterguard fence: fencing resets or powers off ${peer} at once; nothing was done. Add --confirm to do it`,
        );
        return setExit(EXIT_USAGE);
      }
      const req = {
        op: "fence" as const,
        target: peer,
        confirm: true as const,
        ...(argv.manual ? { manual: true as const } : {}),
      };
      const r = await call<string>(argv as CallArgs, req, "fence");
      if (!r.ok) return setExit(r.code);
      console.log(argv.json ? JSON.stringify({ ok: true, result: r.result }) : `fence ${peer}: ${r.result}`);
      setExit(EXIT_OK);
    },
  );
}
