// The shape of a one-shot action command (takeover, standby): send one op, print the agent's answer.
import type { Argv } from "yargs";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_OK } from "./exit-codes.ts";

/** Actions wait this long by default: they may run a fence or stop resources. */
export const ACTION_TIMEOUT_MS = 120_000;

/** Register `name` as a command that sends `{op: name}` and prints the result string. */
export function actionCommand(y: Argv, setExit: (code: number) => void, name: "takeover" | "standby", describe: string): Argv {
  return y.command(
    name,
    describe,
    (a) => withConnectOptions(a, ACTION_TIMEOUT_MS).option("json", { type: "boolean", default: false, describe: "print the reply as JSON" }),
    async (argv) => {
      const r = await call<string>(argv as CallArgs, { op: name }, name);
      if (!r.ok) return setExit(r.code);
      console.log(argv.json ? JSON.stringify({ ok: true, result: r.result }) : `${name}: ${r.result}`);
      setExit(EXIT_OK);
    },
  );
}
