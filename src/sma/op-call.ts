// One plugin operation under its timeout, turned into a MonitorResult: a throw or a timeout is a soft error.
import type { Awaitable, MonitorResult, PluginContext } from "./api.ts";
import { callBounded } from "./bounded-call.ts";
import type { Clock } from "./clock.ts";
import { normalizeResult } from "./results.ts";

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
export function runOp(op: string, fn: (ctx: PluginContext) => Awaitable<unknown>, makeCtx: (signal: AbortSignal) => PluginContext, timeout: number, clock: Clock): OpRun {
  const call = callBounded((signal) => fn(makeCtx(signal)), timeout, clock);
  const done = call.outcome.then((o): OpOutcome | null => {
    switch (o.kind) {
      case "returned":
        return { result: normalizeResult(o.value), timedOut: false, ms: o.ms };
      case "threw":
        return { result: { result: "soft-error", reason: `${op} threw: ${o.error}` }, timedOut: false, ms: o.ms };
      case "timeout":
        return { result: { result: "soft-error", reason: `${op} timed out after ${timeout} ms (aborted)` }, timedOut: true, ms: o.ms };
      case "aborted":
        return null;
    }
  });
  return { done, settled: call.settled, abort: call.abort };
}
