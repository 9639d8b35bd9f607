// `clusterguard status` as text: pure, ASCII only, columns that fit 80 characters for the usual names.
import type { LinkReport, ResourceReport, StatusReport } from "../agent/report.ts";
import { renderAgents } from "./render-agents.ts";
import { ago, agoFrom, ascii, table } from "./render-format.ts";

/** The whole report as lines (no trailing newline); every string from the agent is made printable ASCII. */
export function renderStatus(r: StatusReport): string[] {
  const w = Math.max(r.node.length, r.peer.name.length);
  return [
    `cluster ${ascii(r.cluster)}, report of ${ascii(r.generatedAt)}`,
    field("this node", `${ascii(r.node).padEnd(w)}  ${r.role.padEnd(8)} incarnation ${r.incarnation}`),
    field("peer", `${ascii(r.peer.name).padEnd(w)}  ${(r.peer.role ?? "unknown").padEnd(8)} last heard ${ago(r.peer.lastHeardAgoMs)}`),
    field("fence", fence(r.fence, r.generatedAt)),
    field("activation", r.blocked === null ? "allowed" : `BLOCKED: ${ascii(r.blocked)}`),
    field("heartbeats", `${r.lateHeartbeats} late since the agent started`),
    "",
    ...links(r.links),
    "",
    ...renderAgents(r.agents, r.generatedAt),
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
  return table(["LINK", "STATE", "HEARD", "BEATS", "IN", "OUT", "DROPPED", "LAST ERROR"], rows, [false, false, false, false, true, true, true, false]);
}

function resources(rs: ResourceReport[]): string[] {
  if (rs.length === 0) return ["  (no resources)"];
  const rows = rs.map((x) => [ascii(x.name), x.kind, x.state === "failed" ? "FAILED" : x.state, ascii(x.detail) || "-"]);
  return table(["RESOURCE", "KIND", "STATE", "DETAIL"], rows);
}
