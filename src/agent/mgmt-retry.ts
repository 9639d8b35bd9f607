// When the TCP endpoint tries again after a failed start, and which failures are worth a log line: pure.

/** ms before retry `attempt` (1 = the first retry): from `baseMs` doubling up to `maxMs`. */
export function tcpRetryDelay(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/** The last failure that was logged. */
export interface LoggedFailure {
  reason: string;
  at: number;
}

/** Log a failure when it is the first, says something new, or the same one was last logged `everyMs` ago. */
export function shouldLogFailure(last: LoggedFailure | null, reason: string, now: number, everyMs = 600_000): boolean {
  return last === null || last.reason !== reason || now - last.at >= everyMs;
}
