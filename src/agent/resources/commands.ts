// Run the external commands resources use (ip, arping, mount, umount, systemctl) via execa, bounded and cancellable.
import { execa } from "execa";
import { childArgv } from "../../monitor/run-process.ts";

/** The programs resources call; each can be pointed elsewhere (tests use fakes). */
export type Tool = "ip" | "arping" | "mount" | "umount" | "systemctl";

/** Where each program is (a name on PATH or a path), and an optional argv prefix for all of them ("ip netns exec NS"). */
export interface CommandOptions {
  bins?: Partial<Record<Tool, string>>;
  wrap?: readonly string[];
}

/** How long one up or down may still take, and the signal that cancels it. */
export interface Budget {
  signal: AbortSignal;
  deadline: number;
  timeoutMs: number;
}

/** One command's outcome: ok when it exited 0; `why` says what went wrong in one line; missing when not found. */
export interface CommandResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  why: string;
  missing: boolean;
}

/** A hung command gets SIGTERM at the deadline or on cancel, then SIGKILL this much later. */
const KILL_AFTER_MS = 1000;

/** A budget of `timeoutMs` from now, cancelled early by `signal`. */
export function budget(signal: AbortSignal, timeoutMs: number): Budget {
  return { signal, deadline: performance.now() + timeoutMs, timeoutMs };
}

/** Runs tools by their configured path; never rejects. */
export class Commands {
  constructor(private readonly opts: CommandOptions = {}) {}

  /** The configured path or name of `tool`. */
  bin(tool: Tool): string {
    return this.opts.bins?.[tool] ?? tool;
  }

  /** True when `tool` resolves to an executable (looked up on PATH like the shell would). */
  available(tool: Tool): boolean {
    return Bun.which(this.bin(tool)) !== null;
  }

  /** Run `tool args...` within the budget, with oom_score_adj 0 (a mount helper may leave a daemon behind). */
  async run(tool: Tool, args: readonly string[], b: Budget): Promise<CommandResult> {
    const shown = [tool, ...args].join(" ");
    const fail = (why: string, missing = false): CommandResult => ({ ok: false, stdout: "", stderr: "", why, missing });
    const left = Math.floor(b.deadline - performance.now());
    if (b.signal.aborted) return fail(`${shown} not run: cancelled`);
    if (left <= 0) return fail(`${shown} not run: the resource's timeout (${b.timeoutMs} ms) ran out`);
    const argv = [...(this.opts.wrap ?? []), this.bin(tool), ...args];
    const spawned = childArgv(argv, process.env);
    if (!("argv" in spawned)) return fail(`${argv[0]} not found or not executable (${spawned.code})`, true);
    const [file = "", ...rest] = spawned.argv;
    const r = await execa(file, rest, {
      reject: false,
      stdin: "ignore",
      timeout: left,
      cancelSignal: b.signal,
      forceKillAfterDelay: KILL_AFTER_MS,
    });
    const stdout = typeof r.stdout === "string" ? r.stdout : "";
    const stderr = typeof r.stderr === "string" ? r.stderr : "";
    if (r.isCanceled) return fail(`${shown} cancelled`);
    if (r.timedOut) return fail(`${shown} timed out (the resource's timeout is ${b.timeoutMs} ms)`);
    if (r.code === "ENOENT" || r.code === "EACCES")
      return fail(`${argv[0]} not found or not executable (${r.code})`, true);
    if (r.exitCode === 0) return { ok: true, stdout, stderr, why: "", missing: false };
    const said = oneLine(stderr) || oneLine(stdout) || r.shortMessage || "no message";
    return {
      ok: false,
      stdout,
      stderr,
      why: `${shown} failed (${r.signal ?? `exit ${r.exitCode}`}): ${said}`,
      missing: false,
    };
  }
}

/** A command's message on one line, at most 300 characters. */
function oneLine(s: string): string {
  return s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join("; ")
    .slice(0, 300);
}
