// Built-in "command": any executable that answers with OCF exit codes; recover runs recover_command.
import { ABSOLUTE_PATH } from "../../config/index.ts";
import { definePlugin, type MonitorResult, type Params, type PluginContext } from "../api.ts";
import { splitArgs } from "../run-process.ts";
import { checkParams, str, show } from "../contract.ts";
import { processOutcome } from "../ocf-codes.ts";

/** argv from a path and an argument line (validate has checked both). */
function argvOf(path: string, args: string): string[] {
  const a = splitArgs(args);
  return [path, ...(a.ok ? a.argv : [])];
}

function problems(params: Params): string[] {
  const out = checkParams(command.meta, params);
  const { path, args, recover_command: rc } = params;
  if (typeof path === "string" && !ABSOLUTE_PATH.test(path))
    out.push(`parameter path = ${show(path)}: expected an absolute path to an executable`);
  if (typeof args === "string") {
    const a = splitArgs(args);
    if (!a.ok) out.push(`parameter args = ${show(args)}: ${a.problem}; expected words with balanced quotes`);
  }
  if (typeof rc === "string" && rc !== "") {
    const a = splitArgs(rc);
    if (!a.ok) out.push(`parameter recover_command = ${show(rc)}: ${a.problem}; expected words with balanced quotes`);
    else if (!ABSOLUTE_PATH.test(a.argv[0] ?? ""))
      out.push(`parameter recover_command = ${show(rc)}: expected an absolute path first, then its arguments`);
  }
  return out;
}

/** The plugin. */
const command = definePlugin({
  meta: {
    name: "command",
    description:
      "runs an executable; its exit code is read as OCF's (0 running, 7 not running, 1 soft, 2-5 hard, 6 fatal)",
    parameters: {
      path: { type: "string", required: true, doc: "absolute path of the check program" },
      args: { type: "string", default: "", doc: "its arguments, shell-style quoting (no shell runs)" },
      recover_command: {
        type: "string",
        default: "",
        doc: "a command line that restarts the service (empty: no restart in place)",
      },
    },
    interval: 10000,
    timeout: 5000,
  },
  validate: (params: Params) => problems(params),
  async monitor(ctx: PluginContext): Promise<MonitorResult> {
    const argv = argvOf(str(ctx.params, "path"), str(ctx.params, "args"));
    return processOutcome(argv[0] ?? "", await ctx.run(argv));
  },
  /** Without recover_command there is no restart in place: the policy fails over without spending a restart. */
  canRecover: (params: Params) => str(params, "recover_command") !== "",
  async recover(ctx: PluginContext): Promise<MonitorResult> {
    const line = str(ctx.params, "recover_command");
    if (line === "") return { result: "hard-error", reason: "no recover_command configured: cannot restart in place" };
    const a = splitArgs(line);
    const argv = a.ok ? a.argv : [];
    return processOutcome(`recover_command ${argv[0] ?? ""}`, await ctx.run(argv));
  },
});

export default command;
