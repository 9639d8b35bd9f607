// One log event and its two renderings: a human line and a JSON line.
import type { LogLevel } from "../core/actions.ts";
import type { Role } from "../core/types.ts";

export interface LogEvent {
  ts: string;
  node: string;
  level: LogLevel;
  event: string;
  message: string;
  role?: Role;
  [field: string]: unknown;
}

/** One JSON object on one line (design.md contract: ts, node, event, role on role changes). */
export function toJsonLine(e: LogEvent): string {
  return JSON.stringify(e);
}

/** A human-readable line: `TS node LEVEL event: message`. */
export function toHumanLine(e: LogEvent): string {
  const role = e.role ? ` [${e.role}]` : "";
  const { ts, node, level, event, message, role: _r, ...fields } = e;
  const extra = event === "stats" ? ` ${JSON.stringify(fields)}` : "";
  return `${ts} ${node} ${level.toUpperCase()} ${event}${role}: ${message}${extra}`;
}
