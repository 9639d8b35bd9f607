// Run a check command in its own process group: bounded output, timeout/abort kills the group (TERM, then KILL).
// Below it, the parts: ending a process group, reading /proc, bounded reads of a pipe, the child's argv (its OOM
// score reset), and splitting a configured command line into argv words.

import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { ProcessResult, RunOptions } from "./api.ts";

/** RunOptions plus the signal that ends the run early (the plugin context's), and what notify hooks need. */
export interface RunProcessOptions extends RunOptions {
  signal?: AbortSignal;
  /** Written to the child's stdin, which is then closed (default: no stdin). */
  input?: string;
  /** Called with the child's pid right after it started, before `input` is written. */
  onSpawn?: (pid: number) => void;
  /** The child's environment is `env` alone, nothing of this process's (default: this process's plus `env`). */
  cleanEnv?: boolean;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const DEFAULT_GRACE_MS = 1000;
/** After the leader exits, how long a member that still holds our pipes may keep them open. */
const DRAIN_MS = 100;

/** Run `argv` detached (setsid: it leads a new process group) with oom_score_adj 0; never rejects. */
export async function runProcess(argv: string[], opts: RunProcessOptions = {}): Promise<ProcessResult> {
  const t0 = performance.now();
  const base = {
    exitCode: null,
    signal: null,
    stdout: "",
    stderr: "",
    truncated: false,
    killed: false,
    timedOut: false,
  };
  const elapsed = () => Math.round(performance.now() - t0);
  if (argv.length === 0 || argv[0] === "") return { ...base, ms: 0, error: "no command given", errorCode: "EINVAL" };
  if (opts.signal?.aborted)
    return { ...base, ms: 0, killed: true, error: "aborted before it started", errorCode: "ABORT_ERR" };
  const env = opts.cleanEnv ? { ...opts.env } : { ...process.env, ...opts.env };
  const spawned = childArgv(argv, env, opts.cwd);
  if (!("argv" in spawned))
    return { ...base, ms: elapsed(), error: `cannot run ${argv[0]}: ${spawned.error}`, errorCode: spawned.code };
  let proc: Bun.Subprocess<"ignore" | "pipe", "pipe", "pipe">;
  try {
    proc = Bun.spawn(spawned.argv, {
      detached: true,
      stdin: opts.input === undefined ? "ignore" : "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "ESPAWN";
    return { ...base, ms: elapsed(), error: `cannot run ${argv[0]}: ${(e as Error).message}`, errorCode: code };
  }
  opts.onSpawn?.(proc.pid);
  if (opts.input !== undefined) feed(proc.stdin, opts.input);
  const max = opts.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const out = collect(proc.stdout, max);
  const err = collect(proc.stderr, max);
  let killing: Promise<unknown> | undefined;
  let timedOut = false;
  const kill = () => {
    killing ??= terminateGroup(proc.pid, proc.exited, opts.killGraceMs ?? DEFAULT_GRACE_MS);
  };
  opts.signal?.addEventListener("abort", kill, { once: true });
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
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

/** Write `text` to a child's stdin and close it; a child that exits without reading it (EPIPE) is no error here. */
function feed(stdin: Bun.FileSink | undefined | number, text: string): void {
  if (stdin === undefined || typeof stdin === "number") return;
  try {
    stdin.write(text);
    Promise.resolve(stdin.end()).catch(() => {});
  } catch {
    // the child is gone already: its exit status says what happened
  }
}

/** The last line of a process's output, for reasons ("stderr: unit not found"). */
export function lastLine(r: ProcessResult): string {
  const text = (r.stderr.trim() || r.stdout.trim()).split("\n");
  return (text[text.length - 1] ?? "").slice(0, 200);
}

// keepalived's way to end a check: SIGTERM the whole process group, then SIGKILL what is left after a grace.

/** Send `sig` to every process in group `pgid`; false when the group is gone. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM group `pgid`, wait until the leader has exited and no member is left (or `graceMs`
 * passed), then SIGKILL any survivor and wait for the leader. Resolves with the signals sent.
 */
export async function terminateGroup(
  pgid: number,
  leaderExited: Promise<unknown>,
  graceMs: number,
): Promise<NodeJS.Signals[]> {
  const sent: NodeJS.Signals[] = [];
  if (signalGroup(pgid, "SIGTERM")) sent.push("SIGTERM");
  let leaderGone = false;
  void leaderExited.then(() => {
    leaderGone = true;
  });
  const end = Date.now() + graceMs;
  while (Date.now() < end && !(leaderGone && groupMembers(pgid).length === 0))
    await Bun.sleep(Math.min(20, Math.max(1, end - Date.now())));
  if (!leaderGone || groupMembers(pgid).length > 0) {
    if (signalGroup(pgid, "SIGKILL")) sent.push("SIGKILL");
  }
  await leaderExited;
  return sent;
}

// Reading /proc: one process's state, process group and name, and the processes of a group.

/** The fields of /proc/PID/stat that matter here. */
export interface ProcStat {
  pid: number;
  /** The kernel's comm (at most 15 characters). */
  comm: string;
  /** R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
}

/** Parse one /proc/PID/stat line (comm may contain spaces and parentheses). */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(" ");
  const pid = Number(text.slice(0, open).trim());
  const [state = "", ppid = "", pgrp = ""] = rest;
  if (!Number.isInteger(pid) || state === "") return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** /proc/PID/stat of one process, or null when it does not exist. */
export function readStat(pid: number, procRoot = "/proc"): ProcStat | null {
  try {
    return parseStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number, procRoot = "/proc"): boolean {
  const st = readStat(pid, procRoot);
  return st !== null && st.state !== "Z" && st.state !== "X";
}

/** Every live (non-zombie) process, as /proc lists them. */
export function listProcesses(procRoot = "/proc"): ProcStat[] {
  const out: ProcStat[] = [];
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const n of names) {
    if (!/^[0-9]+$/.test(n)) continue;
    const st = readStat(Number(n), procRoot);
    if (st !== null && st.state !== "Z" && st.state !== "X") out.push(st);
  }
  return out;
}

/** The pids of the live members of process group `pgid`. */
export function groupMembers(pgid: number, procRoot = "/proc"): number[] {
  return listProcesses(procRoot)
    .filter((p) => p.pgrp === pgid)
    .map((p) => p.pid);
}

// Read a whole byte stream but keep only its first `max` bytes, so a chatty child never blocks or bloats us.

/** A stream being collected: `done` resolves at EOF or after cancel(). */
export interface Collector {
  done: Promise<{ text: string; truncated: boolean }>;
  cancel(): void;
}

/** Start collecting `stream`, keeping at most `max` bytes (decoded as UTF-8 at the end). */
export function collect(stream: ReadableStream<Uint8Array>, max: number): Collector {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  const done = (async () => {
    try {
      for (;;) {
        const { done: eof, value } = await reader.read();
        if (eof) break;
        const part = value.subarray(0, Math.max(0, max - kept));
        if (part.length > 0) chunks.push(part);
        kept += part.length;
        if (part.length < value.length) truncated = true;
      }
    } catch {
      // cancelled or the pipe broke: keep what arrived
    }
    return { text: Buffer.concat(chunks).toString("utf8"), truncated };
  })();
  return {
    done,
    cancel: () => {
      reader.cancel().catch(() => {});
    },
  };
}

// The agent's children must not keep its OOM immunity (the unit's OOMScoreAdjust=-1000): a tiny sh wrapper
// resets oom_score_adj to 0 before it execs the real program. Raising one's own value needs no privilege, nor
// does lowering it to the floor systemd's privileged write left (oom_score_adj_min, inherited).

/** The wrapper's script: `$@` is the real argv; a failed write (no /proc) still runs the program. */
export const OOM_RESET_SCRIPT = 'echo 0 > /proc/self/oom_score_adj 2>/dev/null; exec "$@"';

/** This process's oom_score_adj; 0 when it cannot be read. */
export function ownOomScoreAdj(path = "/proc/self/oom_score_adj"): number {
  try {
    const v = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

/** Why `file` cannot be executed (ENOENT, EACCES) as spawn would say it, or null; names are looked up on `path`. */
export function execProblem(
  file: string,
  path: string | undefined,
  cwd?: string,
): { code: string; error: string } | null {
  const full = file.includes("/") ? resolve(cwd ?? ".", file) : Bun.which(file, { PATH: path ?? "" });
  if (full === null) return { code: "ENOENT", error: `${file}: not found on PATH (ENOENT)` };
  try {
    if (!statSync(full).isFile()) return { code: "EACCES", error: `${full}: not a regular file (EACCES)` };
    accessSync(full, constants.X_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EACCES";
    return { code, error: `${full}: ${code === "ENOENT" ? "no such file" : "not executable"} (${code})` };
  }
}

/**
 * The argv to spawn for `argv`: wrapped in the reset when our own oom_score_adj is not 0 (the child would
 * inherit it), unchanged otherwise; a program that cannot be executed is reported before any spawn,
 * so a missing check still reads as ENOENT, not as the wrapper's exit 127.
 */
export function childArgv(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd?: string,
  own: number = ownOomScoreAdj(),
): { argv: string[] } | { code: string; error: string } {
  if (own === 0) return { argv: [...argv] };
  const problem = execProblem(argv[0] ?? "", env.PATH, cwd);
  if (problem !== null) return problem;
  return { argv: ["/bin/sh", "-c", OOM_RESET_SCRIPT, "sh", ...argv] };
}

// Split a command line from the config into argv words, shell-style quoting without a shell (never evaluated).

/** The words of `line`: whitespace separates, '...' is literal, "..." and bare words honour backslash escapes. */
export function splitArgs(line: string): { ok: true; argv: string[] } | { ok: false; problem: string } {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (c === "\\" && i + 1 < line.length && (quote === null || /["\\$`]/.test(line[i + 1] as string))) {
      word += line[++i];
      inWord = true;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) return { ok: false, problem: `unterminated ${quote} quote` };
  if (inWord) argv.push(word);
  return { ok: true, argv };
}
