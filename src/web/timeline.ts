// The timeline page's picture, pure: this node's and the peer's states over the chosen window, drawn from the kept
// events (role changes; peer-role, peer-dead, a confirmed fence; link dead/restored) in the lab timeline's visual
// language (src/log/timeline-svg.ts), with fences, service escalations and admin actions as marks.
import { renderTimeline, type Mark, type Span, type TimelineModel } from "../log/timeline-svg.ts";
import type { ConsoleEvent } from "./record.ts";

/** What the picture is of: the two nodes, the links, the window. */
export interface TimelineInput {
  self: string;
  peer: string;
  links: string[];
  /** Wall-clock ms. */
  from: number;
  to: number;
  /** The states the two nodes were in when the window opened (the agent's start: ACTIVE and UNKNOWN). */
  selfAtStart: string;
  peerAtStart: string;
  events: ConsoleEvent[];
}

/** Marks worth a label, and their text. */
function markOf(e: ConsoleEvent): string | null {
  switch (e.event) {
    case "fence-request":
      return "fence";
    case "fence-confirmed":
      return "fenced";
    case "fence-manual":
      return "confirmed off";
    case "monitor-escalate":
    case "failover":
      return "escalation";
    case "monitor-stopped":
      return "service stopped";
    case "mgmt-request":
      return `admin: ${e.message.split(" via ")[0]?.slice(0, 24) ?? ""}`;
    case "switchover":
      return /STOPPED/.test(e.message) ? "switchover" : null;
    default:
      return null;
  }
}

/** The model of the picture. */
export function timelineModel(t: TimelineInput): TimelineModel {
  const events = t.events.filter((e) => e.at >= t.from && e.at <= t.to);
  const selfSpans = spansOf(t.from, t.to, t.selfAtStart, events, (e) => (e.node === t.self ? (e.role ?? null) : null));
  const peerSpans = spansOf(t.from, t.to, t.peerAtStart, events, (e) => {
    if (e.event === "peer-role") return e.peerRole ?? null;
    if (e.event === "peer-dead" || e.event === "peer-lost") return "DEAD";
    if (e.event === "fence-confirmed" || e.event === "fence-manual") return "FENCED";
    return null;
  });
  const marks: Mark[] = [];
  for (const e of events) {
    const label = markOf(e);
    if (label !== null) marks.push({ at: e.at, label, title: `${e.ts} ${e.event}: ${e.message}` });
  }
  return {
    title: `${t.self} and ${t.peer}, ${new Date(t.from).toISOString().slice(11, 19)} to ${new Date(t.to).toISOString().slice(11, 19)} UTC`,
    t0: t.from,
    t1: t.to,
    rows: [
      { label: `node ${t.self}`, spans: selfSpans, marks },
      { label: `node ${t.peer}`, spans: peerSpans, marks: [] },
    ],
    cables: t.links.map((link) => ({ label: link, cuts: linkCuts(link, events, t.to) })),
    legend: ["STANDBY", "FENCING", "ACTIVE", "STOPPED", "DEAD", "FENCED", "UNKNOWN"],
  };
}

/** The SVG of the picture. */
export function timelineSvg(t: TimelineInput): string {
  return renderTimeline(timelineModel(t));
}

function spansOf(
  from: number,
  to: number,
  initial: string,
  events: ConsoleEvent[],
  stateOf: (e: ConsoleEvent) => string | null,
): Span[] {
  const spans: Span[] = [];
  let state = initial;
  let since = from;
  for (const e of events) {
    const next = stateOf(e);
    if (next === null || next === state) continue;
    spans.push({ from: since, to: e.at, state });
    state = next;
    since = e.at;
  }
  spans.push({ from: since, to, state });
  return spans;
}

/** A link is down from its link-dead event to its link-restored one. */
function linkCuts(link: string, events: ConsoleEvent[], to: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let down: number | null = null;
  for (const e of events) {
    if (e.channel !== link) continue;
    if (e.event === "link-dead" && down === null) down = e.at;
    if (e.event === "link-restored" && down !== null) {
      out.push({ from: down, to: e.at });
      down = null;
    }
  }
  if (down !== null) out.push({ from: down, to });
  return out;
}
