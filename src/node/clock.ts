// Time as a node runtime sees it, injected so that a simulator can run the real runtime on virtual time.

/** A monotonic clock for decisions, the wall clock for incarnations and records, and timers. */
export interface Clock {
  /** Monotonic milliseconds (whole): every core input is stamped with it. */
  now(): number;
  /** Wall-clock milliseconds since the epoch: boot incarnations and the times written in records. */
  wall(): number;
  /** Call `fn` every `ms`; returns the function that stops it. */
  every(ms: number, fn: () => void): () => void;
  /** Call `fn` once after `ms`; returns the function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The machine's clocks and timers. */
export const realClock: Clock = {
  now: () => Math.floor(performance.now()),
  wall: () => Date.now(),
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};
