// When the TCP endpoint tries again after a failed start: pure.

/** ms before retry `attempt` (1 = the first retry): from `baseMs` doubling up to `maxMs`. */
export function tcpRetryDelay(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}
