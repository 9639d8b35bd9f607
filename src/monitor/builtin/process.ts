// Built-in "process": a process is alive, found by name (comm or argv[0]) or by pidfile, via /proc.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ABSOLUTE_PATH } from "../../config/index.ts";
import { definePlugin, type MonitorResult, type Params, type PluginContext } from "../api.ts";
import { checkParams, str, show } from "../contract.ts";
import { isAlive, listProcesses, type ProcStat } from "../run-process.ts";

/** argv[0] of `pid`, or "" (kernel threads, gone, no permission). */
function argv0(pid: number, procRoot: string): string {
  try {
    return readFileSync(`${procRoot}/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
  } catch {
    return "";
  }
}

/** Does process `p` go by `name`: its comm (15 characters at most), or its argv[0]'s base name? */
export function matchesName(p: ProcStat, name: string, procRoot = "/proc"): boolean {
  if (p.comm === name) return true;
  if (name.length > 15 && p.comm !== name.slice(0, 15)) return false;
  return basename(argv0(p.pid, procRoot)) === name;
}

/** The pids of live processes called `name` (this process excluded). */
export function findByName(name: string, procRoot = "/proc"): number[] {
  return listProcesses(procRoot)
    .filter((p) => p.pid !== process.pid && matchesName(p, name, procRoot))
    .map((p) => p.pid);
}

/** Judge a pidfile: running when its pid is alive (and called `name` if given). */
export function checkPidfile(path: string, name: string, procRoot = "/proc"): MonitorResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { result: "not-running", reason: `pidfile ${path} does not exist` };
    return { result: "soft-error", reason: `cannot read pidfile ${path}: ${code ?? (e as Error).message}` };
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0)
    return { result: "soft-error", reason: `pidfile ${path} holds ${show(text.trim())}; expected a process id` };
  if (!isAlive(pid, procRoot))
    return { result: "not-running", reason: `pid ${pid} from ${path} is gone (stale pidfile)` };
  if (name !== "" && !findByName(name, procRoot).includes(pid))
    return { result: "not-running", reason: `pid ${pid} from ${path} is not ${name}` };
  return { result: "running", reason: `pid ${pid} from ${path} is alive` };
}

/** Judge by name alone: running when at least one process has it. */
export function checkName(name: string, procRoot = "/proc"): MonitorResult {
  const pids = findByName(name, procRoot);
  if (pids.length === 0) return { result: "not-running", reason: `no process named ${name}` };
  return {
    result: "running",
    reason: `${name} running (pid ${pids.slice(0, 5).join(", ")}${pids.length > 5 ? ", ..." : ""})`,
  };
}

function problems(params: Params): string[] {
  const out = checkParams(proc.meta, params);
  const { name, pidfile } = params;
  if (name === undefined && pidfile === undefined)
    out.push("parameters name and pidfile: both missing; expected at least one of them");
  if (typeof name === "string" && (name === "" || name.includes("/") || name.includes("\0")))
    out.push(`parameter name = ${show(name)}: expected a process name (no "/")`);
  if (typeof pidfile === "string" && !ABSOLUTE_PATH.test(pidfile))
    out.push(`parameter pidfile = ${show(pidfile)}: expected an absolute path`);
  return out;
}

/** The plugin. */
const proc = definePlugin({
  meta: {
    name: "process",
    description: "a process is alive (by name, or by pidfile; both: the pidfile's process must have the name)",
    parameters: {
      name: { type: "string", doc: "process name: comm or argv[0]'s base name" },
      pidfile: { type: "string", doc: "absolute path of a pidfile" },
    },
    interval: 5000,
    timeout: 2000,
  },
  validate: (params: Params) => problems(params),
  monitor(ctx: PluginContext): MonitorResult {
    const name = str(ctx.params, "name");
    const pidfile = str(ctx.params, "pidfile");
    return pidfile !== "" ? checkPidfile(pidfile, name) : checkName(name);
  },
});

export default proc;
