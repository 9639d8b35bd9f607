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

/** Why `timers` cannot be recorded, or undefined: each a u32 > 0, keepalive < deadtime, msgwait >= 2 x watchdog timeout (SBD's rule). */
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
  if (timers.msgwaitMs < 2 * timers.watchdogTimeoutMs) {
    return `timers.msgwaitMs: expected at least 2 x watchdogTimeoutMs (2 x ${timers.watchdogTimeoutMs} = ${2 * timers.watchdogTimeoutMs}), got ${timers.msgwaitMs}`;
  }
  return undefined;
}

/**
 * Why a watchdog whose driver applied `appliedS` seconds cannot back a poison pill that waits `msgwaitMs`, or
 * undefined: a hung node must be reset by its watchdog with a full timeout to spare before the pill counts (2 x).
 */
export function appliedTimeoutProblem(appliedS: number, msgwaitMs: number): string | undefined {
  if (2 * appliedS * 1000 <= msgwaitMs) return undefined;
  return `the driver applied a ${appliedS} s timeout: expected at most msgwait / 2 (${msgwaitMs / 2000} s for the disk header's msgwait of ${msgwaitMs} ms), else the peer's pill could count as a fence before this watchdog resets a hung node`;
}
