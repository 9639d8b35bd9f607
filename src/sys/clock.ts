// Time as a node runtime sees it, injected so that a simulator can run the real runtime on virtual time.

import { readFileSync } from "node:fs";

/** A monotonic clock for decisions, the wall clock for incarnations and records, this boot's uptime, and timers. */
export interface Clock {
  /** Monotonic milliseconds (whole): every core input is stamped with it. */
  now(): number;
  /** Wall-clock milliseconds since the epoch: boot incarnations and the times written in records. */
  wall(): number;
  /** Milliseconds since this kernel booted (never backwards, blind to wall-clock steps): slots and boot records. */
  uptime(): number;
  /** Call `fn` every `ms`; returns the function that stops it. */
  every(ms: number, fn: () => void): () => void;
  /** Call `fn` once after `ms`; returns the function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The machine's clocks and timers. */
export const realClock: Clock = {
  now: () => Math.floor(performance.now()),
  wall: () => Date.now(),
  uptime: uptimeMs,
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/** Resolve after `ms` on `clock`, or false at once when `signal` aborts (true when the time ran out). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = clock.after(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// System uptime: /proc/uptime read once, then advanced with the monotonic clock.
let baseMs: number | undefined;

/** Uptime of this boot in ms (process uptime when /proc/uptime is unreadable); never goes backwards. */
export function uptimeMs(): number {
  if (baseMs === undefined) {
    let systemMs = 0;
    try {
      systemMs = Number.parseFloat(readFileSync("/proc/uptime", "utf8")) * 1000;
    } catch {
      // No /proc (unusual even in an initrd): uptime then counts from process start.
    }
    baseMs = (Number.isFinite(systemMs) ? systemMs : 0) - performance.now();
  }
  return Math.max(0, Math.floor(baseMs + performance.now()));
}
