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
