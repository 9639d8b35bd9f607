// The log line for each failover request a service monitor makes: granted ones always, refused ones
// (the peer not a heard STANDBY: the monitor asks again every minute) once per monitor and reason every 10 minutes.
import type { LogLevel } from "../core/actions.ts";
import type { Outcome } from "../core/types.ts";
import type { Escalation } from "../monitor/status.ts";
import { type LoggedFailure, shouldLogFailure } from "../log/limit.ts";

/** Where the lines go (the agent's logger). */
export type Emit = (level: LogLevel, event: string, message: string, fields: Record<string, unknown>) => void;

/** Returns the function that logs one request's outcome. */
export function failoverLog(
  emit: Emit,
  now: () => number = Date.now,
  everyMs = 600_000,
): (e: Escalation, r: Outcome) => void {
  const last = new Map<string, LoggedFailure>();
  const quiet = new Map<string, number>();
  return (e, r) => {
    const request =
      e.repeat === undefined ? "asked for failover" : `asked for failover again (request ${e.repeat}, still down)`;
    if (r.ok) {
      last.delete(e.monitor);
      quiet.delete(e.monitor);
      return emit("warning", "failover", `${e.monitor} ${request}: ${r.detail}`, { monitor: e.monitor });
    }
    const t = now();
    if (!shouldLogFailure(last.get(e.monitor) ?? null, r.detail, t, everyMs))
      return void quiet.set(e.monitor, (quiet.get(e.monitor) ?? 0) + 1);
    const skipped = quiet.get(e.monitor) ?? 0;
    last.set(e.monitor, { reason: r.detail, at: t });
    quiet.delete(e.monitor);
    const more = skipped > 0 ? ` (${skipped} more refusal(s) of this since the last line)` : "";
    emit(
      "error",
      "failover",
      `${e.monitor} ${request}: ${r.detail}${more}; it stays down here and asks again while it is down`,
      { monitor: e.monitor, refused: true },
    );
  };
}
