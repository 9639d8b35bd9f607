// Run a check command in its own process group: bounded output, timeout/abort kills the group (TERM, then KILL).
import type { ProcessResult, RunOptions } from "./api.ts";
import { collect } from "./bounded-read.ts";
import { childArgv } from "./child-argv.ts";
import { terminateGroup } from "./process-group.ts";

/** RunOptions plus the signal that ends the run early (the plugin context's). */
export interface RunProcessOptions extends RunOptions {
  signal?: AbortSignal;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const DEFAULT_GRACE_MS = 1000;
/** After the leader exits, how long a member that still holds our pipes may keep them open. */
const DRAIN_MS = 100;

/** Run `argv` detached (setsid: it leads a new process group) with oom_score_adj 0; never rejects. */
export async function runProcess(argv: string[], opts: RunProcessOptions = {}): Promise<ProcessResult> {
  const t0 = performance.now();
  const base = { exitCode: null, signal: null, stdout: "", stderr: "", truncated: false, killed: false, timedOut: false };
  const elapsed = () => Math.round(performance.now() - t0);
  if (argv.length === 0 || argv[0] === "") return { ...base, ms: 0, error: "no command given", errorCode: "EINVAL" };
  if (opts.signal?.aborted) return { ...base, ms: 0, killed: true, error: "aborted before it started", errorCode: "ABORT_ERR" };
  const env = { ...process.env, ...opts.env };
  const spawned = childArgv(argv, env, opts.cwd);
  if (!("argv" in spawned)) return { ...base, ms: elapsed(), error: `cannot run ${argv[0]}: ${spawned.error}`, errorCode: spawned.code };
  let proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn(spawned.argv, {
      detached: true,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "ESPAWN";
    return { ...base, ms: elapsed(), error: `cannot run ${argv[0]}: ${(e as Error).message}`, errorCode: code };
  }
  const max = opts.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const out = collect(proc.stdout, max);
  const err = collect(proc.stderr, max);
  let killing: Promise<unknown> | undefined;
  let timedOut = false;
  const kill = () => {
    killing ??= terminateGroup(proc.pid, proc.exited, opts.killGraceMs ?? DEFAULT_GRACE_MS);
  };
  opts.signal?.addEventListener("abort", kill, { once: true });
  const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    kill();
  }, opts.timeoutMs);
  await proc.exited;
  clearTimeout(timer);
  opts.signal?.removeEventListener("abort", kill);
  await killing;
  const drained = await Promise.race([Promise.all([out.done, err.done]), Bun.sleep(DRAIN_MS).then(() => null)]);
  if (drained === null) {
    out.cancel();
    err.cancel();
  }
  const [o, e] = drained ?? (await Promise.all([out.done, err.done]));
  return {
    exitCode: proc.signalCode === null ? proc.exitCode : null,
    signal: proc.signalCode === null ? null : String(proc.signalCode),
    stdout: o.text,
    stderr: e.text,
    truncated: o.truncated || e.truncated,
    killed: killing !== undefined,
    timedOut,
    ms: elapsed(),
  };
}

/** The last line of a process's output, for reasons ("stderr: unit not found"). */
export function lastLine(r: ProcessResult): string {
  const text = (r.stderr.trim() || r.stdout.trim()).split("\n");
  return (text[text.length - 1] ?? "").slice(0, 200);
}
