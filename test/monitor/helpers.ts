// Shared pieces for the monitor tests: a hand-driven clock, monitor configs, contexts, scripted plugins, fixture copies.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { MonitorConfig } from "../../src/config/types.ts";
import type { MonitorResult, Params, PluginContext, MonitorPlugin } from "../../src/monitor/api.ts";
import type { Clock } from "../../src/monitor/operation.ts";
import { makeContext } from "../../src/monitor/operation.ts";

export const FIXTURES = resolve(import.meta.dir, "../fixtures/monitor");
export const REPO = resolve(import.meta.dir, "../..");

/** Let every pending promise chain run (several macrotask turns). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** A clock that moves only when advance() is called, firing due timers in order. */
export class FakeClock implements Clock {
  t = 0;
  private seq = 0;
  private timers: { at: number; id: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  wall(): Date {
    return new Date(Date.UTC(2025, 0, 1) + this.t);
  }
  setTimer(fn: () => void, ms: number): () => void {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, id, fn });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }
  /** Move time forward by `ms`, running every timer that falls due (and the promises they start). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((x) => x.id !== due.id);
      this.t = due.at;
      due.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

/** A [[monitor]] with the schema's defaults, overridable. */
export function monitorConfig(over: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    name: "svc",
    plugin: "scripted",
    interval: 1000,
    timeout: 300,
    rise: 1,
    fall: 1,
    max_restarts: 3,
    restart_window: 600000,
    on_fail: "restart",
    params: {},
    ...over,
  };
}

/** A context for calling a plugin directly; abort it with the returned controller. */
export function context(params: Params, timeout = 2000): { ctx: PluginContext; abort: AbortController } {
  const abort = new AbortController();
  return { ctx: makeContext("svc", params, abort.signal, timeout), abort };
}

/** What a scripted monitor does on one call. */
export type Step = MonitorResult | "hang" | "hang-ignoring-abort" | "throw";

/** A plugin whose monitor plays `steps` in order (the last repeats); records every call. */
export function scripted(
  steps: Step[],
  opts: { recover?: MonitorResult | "hang" | false; lingerMs?: number; problems?: string[] } = {},
) {
  const calls: string[] = [];
  const signals: AbortSignal[] = [];
  const held: (() => void)[] = [];
  let i = 0;
  const play = (step: Step | "hang", ctx: PluginContext): Promise<MonitorResult> => {
    signals.push(ctx.signal);
    if (step === "throw") return Promise.reject(new Error("boom"));
    if (step === "hang")
      return new Promise((r) =>
        ctx.signal.addEventListener("abort", () =>
          setTimeout(() => r({ result: "running", reason: "late" }), opts.lingerMs ?? 0),
        ),
      );
    if (step === "hang-ignoring-abort")
      return new Promise((r) => held.push(() => r({ result: "running", reason: "released" })));
    return Promise.resolve(step);
  };
  const plugin: MonitorPlugin = {
    meta: {
      name: "scripted",
      description: "plays a script",
      parameters: { level: { type: "int", default: 1, doc: "anything" } },
    },
    validate: () => {
      calls.push("validate");
      return opts.problems ?? [];
    },
    monitor: (ctx) => {
      calls.push("monitor");
      const step = steps[Math.min(i++, steps.length - 1)] as Step;
      return play(step, ctx);
    },
  };
  if (opts.recover !== false) {
    const rec = opts.recover ?? { result: "running", reason: "restarted" };
    plugin.recover = (ctx) => {
      calls.push("recover");
      return play(rec, ctx);
    };
  }
  /** Let every "hang-ignoring-abort" call return at last. */
  const release = () => {
    for (const f of held.splice(0)) f();
  };
  return { plugin, calls, signals, release, setSteps: (s: Step[]) => ((steps = s), (i = 0)) };
}

export const RUNNING: MonitorResult = { result: "running", reason: "fine" };
export const SOFT: MonitorResult = { result: "soft-error", reason: "hiccup" };
export const DOWN: MonitorResult = { result: "not-running", reason: "stopped" };
export const HARD: MonitorResult = { result: "hard-error", reason: "not installed" };
export const FATAL: MonitorResult = { result: "fatal", reason: "not configured" };

/** A private copy of a fixture plugin in `dir`, mode 0644 (the loader refuses group/other-writable files). */
export function fixtureCopy(name: string, dir: string): string {
  const to = join(dir, basename(name));
  copyFileSync(join(FIXTURES, name), to);
  chmodSync(to, 0o644);
  return to;
}

/** Build dist/clusterguard if it is missing or older than a source (make's own rule); throws with make's words. */
export function ensureBuilt(): void {
  const r = spawnSync("make", ["-s", "build"], { cwd: REPO, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`make build failed (${r.status}): ${r.stderr || r.stdout}`);
}
