// Running the [[notify]] hooks: a log sink that only queues (the decision that logged the event never waits for a
// hook), per hook at most MAX_RUNNING runs at a time and MAX_QUEUED waiting (the oldest dropped beyond), each run in
// its own process group at normal priority, killed at its timeout; every outcome is a log event. A hook runs as root,
// so its file must be one only root could have written (the plugin loader's rule). What a hook leaves behind in its
// process group when it exits is ended too (SIGTERM, then SIGKILL): a program that must outlive its hook has to
// leave the group itself (setsid), and is then the administrator's to look after.
import type { LogLevel } from "../core/actions.ts";
import type { NotifyConfig } from "../config/types.ts";
import type { LogEvent } from "../log/event.ts";
import { shouldLogFailure, type LoggedFailure } from "../log/limit.ts";
import type { Sink } from "../log/logger.ts";
import type { ProcessResult } from "../monitor/api.ts";
import {
  execProblem,
  groupMembers,
  lastLine,
  type RunProcessOptions,
  runProcess,
  signalGroup,
  splitArgs,
  terminateGroup,
} from "../monitor/run-process.ts";
import { normalPriority } from "../sys/realtime.ts";
import { untrustedFile } from "../sys/trusted-file.ts";
import { hookEnv, hookInput, hooksFor, type NotifyContext } from "./event.ts";

/** Runs of one hook at the same time; more wait in its queue. */
export const MAX_RUNNING = 2;
/** Events waiting for one hook; beyond this the oldest is dropped (and that is logged). */
export const MAX_QUEUED = 32;

/**
 * The hook runs behind this gate: it waits for one line on stdin before it execs the hook, so the agent can put the
 * child at normal priority (SCHED_OTHER, nice 0) first, whatever the agent runs at; then the hook reads the JSON.
 */
export const GATE_SCRIPT = 'read -r _ || exit 125; exec "$@"';

/** How long what a hook left in its group gets between SIGTERM and SIGKILL. */
const LEFTOVER_GRACE_MS = 1000;

/** Why hook `command` may not be run as root (its program's file, or a directory above, others could write), or null. */
export function hookFileProblem(command: string): string | null {
  const split = splitArgs(command);
  const file = split.ok ? split.argv[0] : undefined;
  if (file === undefined || !file.startsWith("/")) return null;
  const bad = untrustedFile(file, file, "an executable file");
  return bad?.kind === "unsafe-file" ? bad.error : null;
}

type Emit = (level: LogLevel, event: string, message: string, fields?: Record<string, unknown>) => void;

/** What the hooks need from the agent. */
export interface NotifyOptions {
  /** The cluster, this node, its peer and their roles now (sequence is filled in here). */
  context: () => Omit<NotifyContext, "sequence">;
  /** Logs an outcome; never called back into the hooks (notify-* events are not notifiable). */
  emit: Emit;
  /** The process runner (tests may wrap it). */
  run?: (argv: string[], opts: RunProcessOptions) => Promise<ProcessResult>;
  /** Puts a started child at normal priority; null when done, else why not. */
  normalize?: (pid: number) => string | null;
  /** PATH for the hooks (default: the agent's own, else a standard one). */
  path?: string;
}

interface Job {
  event: LogEvent;
  ctx: NotifyContext;
}

interface HookState {
  config: NotifyConfig;
  argv: string[];
  queue: Job[];
  running: number;
  /** Process groups of the runs in flight. */
  groups: Set<number>;
  dropped: number;
  lastDropLog: LoggedFailure | null;
}

/** The configured hooks of one agent process. */
export class NotifyHooks {
  private readonly hooks: HookState[];
  private sequence = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    configs: readonly NotifyConfig[],
    private readonly o: NotifyOptions,
  ) {
    this.hooks = configs.map((config) => {
      const split = splitArgs(config.command);
      return {
        config,
        argv: split.ok ? split.argv : [],
        queue: [],
        running: 0,
        groups: new Set<number>(),
        dropped: 0,
        lastDropLog: null,
      };
    });
  }

  /** The configs this was built from. */
  get configs(): NotifyConfig[] {
    return this.hooks.map((h) => h.config);
  }

  /** A log sink: queues the event for every hook that takes it and returns at once. */
  sink(): Sink {
    return (e) => this.notify(e);
  }

  /** Queue `e` for its hooks (none when it is not a notifiable event); never waits for, or throws from, a hook. */
  notify(e: LogEvent): void {
    const which = hooksFor(e.event, this.configs);
    if (which.length === 0) return;
    let ctx: NotifyContext;
    try {
      ctx = { ...this.o.context(), sequence: ++this.sequence };
    } catch {
      return;
    }
    for (const i of which) {
      const h = this.hooks[i];
      if (!h) continue;
      h.queue.push({ event: e, ctx });
      if (h.queue.length > MAX_QUEUED) this.drop(i, h);
      this.pump(i, h);
    }
  }

  /** Resolves when no hook runs and none waits (tests). */
  idle(): Promise<void> {
    if (this.busy() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs in flight plus events waiting, over all hooks. */
  busy(): number {
    return this.hooks.reduce((n, h) => n + h.running + h.queue.length, 0);
  }

  /** SIGKILL every hook's process group still running (the agent exits: nothing would bound them any more). */
  killAll(): number {
    let n = 0;
    for (const h of this.hooks) for (const g of h.groups) if (signalGroup(g, "SIGKILL")) n++;
    return n;
  }

  private drop(i: number, h: HookState): void {
    const old = h.queue.shift();
    h.dropped++;
    const now = Date.now();
    if (!shouldLogFailure(h.lastDropLog, "queue full", now, 60_000)) return;
    h.lastDropLog = { reason: "queue full", at: now };
    this.o.emit(
      "warning",
      "notify-dropped",
      `notify[${i}] ${h.argv[0] ?? ""}: ${MAX_QUEUED} events wait already; dropped the oldest (${old?.event.event ?? "?"}), ${h.dropped} dropped so far`,
      { hook: i, dropped: h.dropped },
    );
  }

  private pump(i: number, h: HookState): void {
    while (h.running < MAX_RUNNING && h.queue.length > 0) {
      const job = h.queue.shift() as Job;
      h.running++;
      void this.runOne(i, h, job).finally(() => {
        h.running--;
        this.pump(i, h);
        if (this.busy() === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  private async runOne(i: number, h: HookState, job: Job): Promise<void> {
    const { event: e, ctx } = job;
    const name = `notify[${i}] ${h.argv[0] ?? ""}`;
    const fields = { hook: i, hookEvent: e.event, sequence: ctx.sequence };
    const fail = (message: string, extra: Record<string, unknown> = {}) =>
      this.o.emit("warning", "notify-failed", `${name} on ${e.event}: ${message}`, { ...fields, ...extra });
    const problem = execProblem(h.argv[0] ?? "", undefined);
    if (problem) return fail(`cannot run: ${problem.error}`, { errorCode: problem.code });
    const unsafe = hookFileProblem(h.config.command);
    if (unsafe !== null) return fail(`not run: ${unsafe}`, { errorCode: "EPERM" });
    let refused: string | null = null;
    let pgid = 0;
    const r = await (this.o.run ?? runProcess)(["/bin/sh", "-c", GATE_SCRIPT, "sh", ...h.argv], {
      cleanEnv: true,
      env: hookEnv(e, ctx, this.o.path ?? process.env.PATH ?? undefined),
      input: `go\n${hookInput(e, ctx)}`,
      timeoutMs: h.config.timeout,
      maxOutput: 4096,
      onSpawn: (pid) => {
        pgid = pid;
        h.groups.add(pid);
        refused = (this.o.normalize ?? normalPriority)(pid);
        // Never run a hook at the agent's priority: end it before the gate lets it go.
        if (refused !== null) signalGroup(pid, "SIGKILL");
      },
    });
    // Background children the hook left in its group end with it (killAll() finds the group until then).
    if (pgid !== 0 && groupMembers(pgid).length > 0) await terminateGroup(pgid, Promise.resolve(), LEFTOVER_GRACE_MS);
    h.groups.delete(pgid);
    if (refused !== null) return fail(`not run: cannot drop it to normal priority (${refused})`);
    if (r.error !== undefined) return fail(`cannot run: ${r.error}`, { errorCode: r.errorCode ?? null });
    if (r.timedOut)
      return fail(`timed out after ${h.config.timeout} ms; its process group was killed`, {
        timedOut: true,
        ms: r.ms,
      });
    if (r.exitCode === 0)
      return this.o.emit("info", "notify-done", `${name} on ${e.event}: exit 0 (${r.ms} ms)`, { ...fields, ms: r.ms });
    const said = lastLine(r);
    return fail(`${r.signal ?? `exit ${r.exitCode}`}${said ? `: ${said}` : ""} (${r.ms} ms)`, {
      exitCode: r.exitCode,
      signal: r.signal,
      ms: r.ms,
    });
  }
}
