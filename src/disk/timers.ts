// The cluster timers recorded in the header, in milliseconds, so both nodes and `disk dump` agree on them.

/** Timers of the heartbeat area, each an integer 1..2^32-1 ms. */
export type DiskTimers = {
  /** Interval between heartbeat slot writes. */
  keepaliveMs: number;
  /** Slot silence after which the peer counts as dead. */
  deadtimeMs: number;
  /** How long a poison pill must sit in a mailbox before its target counts as fenced. */
  msgwaitMs: number;
  /** The watchdog timeout a node arms while it reads its mailbox. */
  watchdogTimeoutMs: number;
};

/** Field names in on-disk order. */
export const TIMER_FIELDS = ["keepaliveMs", "deadtimeMs", "msgwaitMs", "watchdogTimeoutMs"] as const;

const U32_MAX = 0xffff_ffff;

/** Why `timers` cannot be recorded, or undefined: each a u32 > 0, keepalive < deadtime, msgwait >= watchdog timeout. */
export function timersProblem(timers: DiskTimers): string | undefined {
  if (typeof timers !== "object" || timers === null) return `timers: expected an object, got ${timers === null ? "null" : typeof timers}`;
  for (const field of TIMER_FIELDS) {
    const value: unknown = timers[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > U32_MAX) {
      return `timers.${field}: expected an integer 1..${U32_MAX} ms, got ${typeof value === "number" ? value : typeof value}`;
    }
  }
  if (timers.keepaliveMs >= timers.deadtimeMs) {
    return `timers.keepaliveMs: expected less than deadtimeMs (${timers.deadtimeMs}), got ${timers.keepaliveMs}`;
  }
  if (timers.msgwaitMs < timers.watchdogTimeoutMs) {
    return `timers.msgwaitMs: expected at least watchdogTimeoutMs (${timers.watchdogTimeoutMs}), got ${timers.msgwaitMs}`;
  }
  return undefined;
}
