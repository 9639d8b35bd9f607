// Retry delays after a failure (disk, serial port, UDP socket): start small, double, cap.

/** Delay before retry number `attempt` (0-based): min(initialMs * 2^attempt, maxMs). */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}
