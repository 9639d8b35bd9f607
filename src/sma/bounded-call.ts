// Call a plugin operation with an AbortSignal that fires at its timeout; report return, throw or timeout.
import type { Awaitable } from "./api.ts";
import type { Clock } from "./clock.ts";

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
export function callBounded<T>(fn: (signal: AbortSignal) => Awaitable<T>, timeoutMs: number, clock: Clock): BoundedCall<T> {
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
    (e) => finish({ kind: "threw", error: e instanceof Error ? e.message : String(e), ms: ms() }),
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
