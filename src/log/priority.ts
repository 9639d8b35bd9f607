// Map the core's log levels to syslog priorities (kmsg's <N> prefix).
import type { LogLevel } from "../core/actions.ts";

const PRIORITY: Record<LogLevel, number> = {
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/** The syslog priority of a level. */
export function priorityOf(level: LogLevel): number {
  return PRIORITY[level];
}
