// Counters the management server keeps, and the logger shape it writes to.
import type { Logger } from "../log/logger.ts";

/** The slice of the Logger the management server needs. */
export type MgmtLog = Pick<Logger, "emit">;

/** Running totals since the server started. */
export interface MgmtStats {
  connections: number;
  /** Connections turned away because too many were open. */
  rejectedConnections: number;
  requests: number;
  /** Lines that were not a valid request (bad JSON, unknown op, bad fields). */
  malformed: number;
  /** TCP requests without the right token. */
  unauthorized: number;
  /** Lines over the length limit, or clients that queued too much. */
  oversize: number;
  /** Action requests the handler answered with an error. */
  refused: number;
}

/** All counters at zero. */
export function newStats(): MgmtStats {
  return { connections: 0, rejectedConnections: 0, requests: 0, malformed: 0, unauthorized: 0, oversize: 0, refused: 0 };
}
