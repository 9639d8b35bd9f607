// The status report as text for a terminal or a serial console: pure, ASCII only, aligned columns that fit 80
// characters for the usual names, short ages; `clusterguard status`, `monitors` and the watch screen print it.
import type { LinkReport, ResourceReport, StatusReport } from "../mgmt/protocol.ts";
import type { MonitorRun, MonitorStatus } from "../monitor/status.ts";

/** The whole report as lines (no trailing newline); every string from the agent is made printable ASCII. */
export function renderStatus(r: StatusReport): string[] {
  const w = Math.max(r.node.length, r.peer.name.length);
  return [
    `cluster ${ascii(r.cluster)}, report of ${ascii(r.generatedAt)}`,
    field("this node", `${ascii(r.node).padEnd(w)}  ${r.role.padEnd(8)} incarnation ${r.incarnation}`),
    field(
      "peer",
      `${ascii(r.peer.name).padEnd(w)}  ${(r.peer.role ?? "unknown").padEnd(8)} last heard ${ago(r.peer.lastHeardAgoMs)}`,
    ),
    field("fence", fence(r.fence, r.generatedAt)),
    field("activation", r.blocked === null ? "allowed" : `BLOCKED: ${ascii(r.blocked)}`),
    field("heartbeats", `${r.lateHeartbeats} late since the agent started`),
    "",
    ...links(r.links),
    "",
    ...renderMonitors(r.monitors, r.generatedAt),
    "",
    ...resources(r.resources),
  ];
}

function field(label: string, value: string): string {
  return `  ${label.padEnd(10)} ${value}`;
}

function fence(f: StatusReport["fence"], nowIso: string): string {
  const state = f.state === "idle" || f.state === "confirmed" ? f.state : f.state.toUpperCase();
  if (f.last === null) return `${state}, never fenced`;
  return `${state}, last: ${ascii(f.last)}${f.at === null ? "" : ` (${agoFrom(f.at, nowIso)})`}`;
}

/** One row per link: DOWN and DEAD in capitals so that they stand out without colour. */
function links(ls: LinkReport[]): string[] {
  if (ls.length === 0) return ["  (no heartbeat links)"];
  const rows = ls.map((l) => [
    l.kind,
    l.up ? "up" : "DOWN",
    ago(l.lastHeardAgoMs),
    l.dead ? "DEAD" : l.late ? "late" : "ok",
    String(l.framesIn),
    String(l.framesOut),
    String(l.dropped),
    l.lastError === null ? "-" : ascii(l.lastError),
  ]);
  return table(["LINK", "STATE", "HEARD", "BEATS", "IN", "OUT", "DROPPED", "LAST ERROR"], rows, [
    false,
    false,
    false,
    false,
    true,
    true,
    true,
    false,
  ]);
}

function resources(rs: ResourceReport[]): string[] {
  if (rs.length === 0) return ["  (no resources)"];
  const rows = rs.map((x) => [
    ascii(x.name),
    x.kind,
    x.state === "failed" ? "FAILED" : x.state,
    ascii(x.detail) || "-",
  ]);
  return table(["RESOURCE", "KIND", "STATE", "DETAIL"], rows);
}

// The service monitors as a table: state, smoothed health, counters, restarts; under each, its last result
// and escalation.

/** One row per monitor, each followed by its last result; ages are measured from `nowIso` (the report's time). */
export function renderMonitors(monitors: MonitorStatus[], nowIso: string): string[] {
  if (monitors.length === 0) return ["  (no service monitors configured)"];
  const rows = monitors.map((a) => [
    ascii(a.name),
    ascii(a.plugin),
    a.state === "stopped" ? "STOPPED" : a.state,
    a.health === "down" ? "DOWN" : a.health,
    String(a.consecutiveOk),
    String(a.consecutiveFail),
    String(a.restartsInWindow),
  ]);
  const [head, ...lines] = table(["MONITOR", "PLUGIN", "STATE", "HEALTH", "OK", "FAIL", "RESTARTS"], rows, [
    false,
    false,
    false,
    false,
    true,
    true,
    true,
  ]);
  return [head ?? "", ...lines.flatMap((l, i) => [l, ...details(monitors[i], nowIso)])];
}

/** The lines under a monitor's row: its last result, skipped checks, and its last escalation. */
function details(a: MonitorStatus | undefined, nowIso: string): string[] {
  if (a === undefined) return [];
  const skipped = a.skipped ? `; ${a.skipped} check(s) skipped while one was still running` : "";
  const out = [`    last: ${lastRun(a.history.at(-1), nowIso)}${skipped}`];
  const e = a.lastEscalation;
  if (e !== undefined)
    out.push(`    escalated: ${e.action.toUpperCase()}, ${ascii(e.reason)} (${agoFrom(e.at, nowIso)})`);
  return out;
}

/** "running, HTTP 200 (monitor, 12 ms, 3.1s ago)", or "none yet" before the first run. */
export function lastRun(r: MonitorRun | undefined, nowIso: string): string {
  if (r === undefined) return "none yet";
  const reason = r.reason === "" ? "" : `, ${ascii(r.reason)}`;
  return `${r.result}${reason} (${r.op}, ${Math.round(r.ms)} ms, ${agoFrom(r.at, nowIso)})`;
}

// A cheap shape check on a status reply, so that a mismatched agent version gets a message instead of a stack trace.

/** Null when `x` looks like a StatusReport (src/mgmt/protocol.ts); otherwise what is missing. */
export function reportProblem(x: unknown): string | null {
  if (typeof x !== "object" || x === null) return "the status reply is not an object";
  const r = x as Record<string, unknown>;
  for (const k of ["cluster", "node", "role", "generatedAt"])
    if (typeof r[k] !== "string") return `the status reply has no "${k}" string`;
  for (const k of ["links", "monitors", "resources"])
    if (!Array.isArray(r[k])) return `the status reply has no "${k}" list`;
  for (const k of ["peer", "fence"])
    if (typeof r[k] !== "object" || r[k] === null) return `the status reply has no "${k}" object`;
  return null;
}

// Text helpers for output that must also work on a serial console: ASCII only, aligned columns, short ages.

/** An age in ms as a short string: 0.4s, 42s, 3m04s, 2h05m, 3d04h; null is "never". */
export function formatAge(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "never";
  const t = Math.max(0, ms);
  const tenths = Math.round(t / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}s`;
  const s = Math.max(10, Math.floor(t / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** "0.2s ago", or "never". */
export function ago(ms: number | null): string {
  return ms === null ? "never" : `${formatAge(ms)} ago`;
}

/** The time from `iso` to `nowIso` as "3m04s ago", or `iso` itself when either does not parse. */
export function agoFrom(iso: string, nowIso: string): string {
  const d = Date.parse(nowIso) - Date.parse(iso);
  return Number.isFinite(d) ? ago(d) : ascii(iso);
}

/** Printable ASCII only: anything else (escape sequences, newlines, UTF-8) from the agent becomes "?". */
export function ascii(s: string): string {
  return s.replace(/\t/g, " ").replace(/[^\x20-\x7e]/g, "?");
}

/** Cut `s` to `width` columns, marking the cut with "...". */
export function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 3))}...`.slice(0, width);
}

/** Aligned columns with a two-space indent (header null: none); `right` marks numeric columns; the last column is never padded. */
export function table(header: string[] | null, rows: string[][], right: boolean[] = []): string[] {
  const all = header === null ? rows : [header, ...rows];
  const count = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => {
    const cells = r.map((c, i) => {
      if (i === r.length - 1 && !right[i]) return c;
      const w = widths[i] ?? 0;
      return right[i] ? c.padStart(w) : c.padEnd(w);
    });
    return `  ${cells.join("  ")}`.trimEnd();
  });
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}
