// The service monitoring agents as a table: state, smoothed health, counters, restarts; under each, its last result and escalation.
import type { SmaRun, SmaStatus } from "../sma/status.ts";
import { agoFrom, ascii, table } from "./render-format.ts";

/** One row per agent, each followed by its last result; ages are measured from `nowIso` (the report's time). */
export function renderAgents(agents: SmaStatus[], nowIso: string): string[] {
  if (agents.length === 0) return ["  (no service monitoring agents configured)"];
  const rows = agents.map((a) => [
    ascii(a.name),
    ascii(a.plugin),
    a.state === "stopped" ? "STOPPED" : a.state,
    a.health === "down" ? "DOWN" : a.health,
    String(a.consecutiveOk),
    String(a.consecutiveFail),
    String(a.restartsInWindow),
  ]);
  const [head, ...lines] = table(["AGENT", "PLUGIN", "STATE", "HEALTH", "OK", "FAIL", "RESTARTS"], rows, [false, false, false, false, true, true, true]);
  return [head ?? "", ...lines.flatMap((l, i) => [l, ...details(agents[i], nowIso)])];
}

/** The lines under an agent's row: its last result, skipped checks, and its last escalation. */
function details(a: SmaStatus | undefined, nowIso: string): string[] {
  if (a === undefined) return [];
  const skipped = a.skipped ? `; ${a.skipped} check(s) skipped while one was still running` : "";
  const out = [`    last: ${lastRun(a.history.at(-1), nowIso)}${skipped}`];
  const e = a.lastEscalation;
  if (e !== undefined) out.push(`    escalated: ${e.action.toUpperCase()}, ${ascii(e.reason)} (${agoFrom(e.at, nowIso)})`);
  return out;
}

/** "running, HTTP 200 (monitor, 12 ms, 3.1s ago)", or "none yet" before the first run. */
export function lastRun(r: SmaRun | undefined, nowIso: string): string {
  if (r === undefined) return "none yet";
  const reason = r.reason === "" ? "" : `, ${ascii(r.reason)}`;
  return `${r.result}${reason} (${r.op}, ${Math.round(r.ms)} ms, ${agoFrom(r.at, nowIso)})`;
}
