// Which repeated failures get a log line: the first, one saying something new, or the same one again after a while; pure.

/** The last failure that was logged. */
export interface LoggedFailure {
  reason: string;
  at: number;
}

/** Log a failure when it is the first, says something new, or the same one was last logged `everyMs` ago. */
export function shouldLogFailure(last: LoggedFailure | null, reason: string, now: number, everyMs = 600_000): boolean {
  return last === null || last.reason !== reason || now - last.at >= everyMs;
}
