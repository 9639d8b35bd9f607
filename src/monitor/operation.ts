// One plugin operation: the context it receives, its timeout on an injectable clock, and what it came to.

import { errorText } from "../log/logger.ts";
import type { Awaitable, MonitorResult, Params, PluginContext, PluginLogger } from "./api.ts";
import { normalizeResult } from "./contract.ts";
import { runProcess } from "./run-process.ts";

// The time source the runner uses, injectable so tests can drive it by hand.

/** Monotonic time, wall time and one-shot timers. */
export interface Clock {
  /** Monotonic milliseconds (only differences matter). */
  now(): number;
  /** Wall-clock time, for the ISO timestamps in status and events. */
  wall(): Date;
  /** Call `fn` once after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The real clock: performance.now, Date and setTimeout. */
export const realClock: Clock = {
  now: () => performance.now(),
  wall: () => new Date(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

// Build the context a plugin operation receives: params, signal, timeout, logger and a bound process runner.

/** The levels a plugin may log at. */
export type LogLevelName = "debug" | "info" | "warn" | "error";

/** A PluginLogger that hands every line to `emit`. */
export function pluginLogger(emit: (level: LogLevelName, message: string) => void): PluginLogger {
  return {
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warn: (m) => emit("warn", m),
    error: (m) => emit("error", m),
  };
}

/** A logger that drops everything. */
export const silentLogger: PluginLogger = pluginLogger(() => {});

/** The context for one operation; ctx.run kills its process group when `signal` aborts. */
export function makeContext(
  name: string,
  params: Params,
  signal: AbortSignal,
  timeout: number,
  log: PluginLogger = silentLogger,
): PluginContext {
  return {
    name,
    params,
    signal,
    timeout,
    log,
    run: (argv, options = {}) => runProcess(argv, { ...options, signal }),
  };
}

// Call a plugin operation with an AbortSignal that fires at its timeout; report return, throw or timeout.

/** How an operation ended, as far as the caller is concerned. */
export type CallOutcome<T> =
  | { kind: "returned"; value: T; ms: number }
  | { kind: "threw"; error: string; ms: number }
  | { kind: "timeout"; ms: number }
  | { kind: "aborted"; ms: number };

/** A running call: `outcome` resolves first; `settled` when the plugin's own promise finally settles. */
export interface BoundedCall<T> {
  outcome: Promise<CallOutcome<T>>;
  settled: Promise<void>;
  /** End it now (runner stopping): the signal aborts and the outcome is "aborted". */
  abort(): void;
}

/** Run `fn(signal)`; at `timeoutMs` the signal aborts and the outcome is "timeout", whatever fn does later. */
export function callBounded<T>(
  fn: (signal: AbortSignal) => Awaitable<T>,
  timeoutMs: number,
  clock: Clock,
): BoundedCall<T> {
  const ctl = new AbortController();
  const t0 = clock.now();
  const ms = () => Math.round(clock.now() - t0);
  let finish!: (o: CallOutcome<T>) => void;
  let done = false;
  const outcome = new Promise<CallOutcome<T>>((resolve) => {
    finish = (o) => {
      if (done) return;
      done = true;
      cancelTimer();
      resolve(o);
    };
  });
  const cancelTimer = clock.setTimer(() => {
    finish({ kind: "timeout", ms: ms() });
    ctl.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  let running: Promise<T>;
  try {
    running = Promise.resolve(fn(ctl.signal));
  } catch (e) {
    running = Promise.reject(e);
  }
  const settled = running.then(
    (value) => finish({ kind: "returned", value, ms: ms() }),
    (e) => finish({ kind: "threw", error: errorText(e), ms: ms() }),
  );
  return {
    outcome,
    settled,
    abort: () => {
      finish({ kind: "aborted", ms: ms() });
      ctl.abort(new Error("the runner is stopping"));
    },
  };
}

// One plugin operation under its timeout, turned into a MonitorResult: a throw or a timeout is a soft error.

/** recover/start/stop timeout when the plugin declares none (Pacemaker's default op timeout), ms. */
export const DEFAULT_RECOVER_TIMEOUT = 20000;

/** What an operation came to; null when the runner aborted it (stopping). */
export interface OpOutcome {
  result: MonitorResult;
  timedOut: boolean;
  ms: number;
}

/** A running operation: `done` at return/throw/timeout, `settled` when the plugin's promise ends. */
export interface OpRun {
  done: Promise<OpOutcome | null>;
  settled: Promise<void>;
  abort(): void;
}

/** Run `fn` with a context whose signal aborts at `timeout` ms. */
export function runOp(
  op: string,
  fn: (ctx: PluginContext) => Awaitable<unknown>,
  makeCtx: (signal: AbortSignal) => PluginContext,
  timeout: number,
  clock: Clock,
): OpRun {
  const call = callBounded((signal) => fn(makeCtx(signal)), timeout, clock);
  const done = call.outcome.then((o): OpOutcome | null => {
    switch (o.kind) {
      case "returned":
        return { result: normalizeResult(o.value), timedOut: false, ms: o.ms };
      case "threw":
        return { result: { result: "soft-error", reason: `${op} threw: ${o.error}` }, timedOut: false, ms: o.ms };
      case "timeout":
        return {
          result: { result: "soft-error", reason: `${op} timed out after ${timeout} ms (aborted)` },
          timedOut: true,
          ms: o.ms,
        };
      case "aborted":
        return null;
    }
  });
  return { done, settled: call.settled, abort: call.abort };
}
