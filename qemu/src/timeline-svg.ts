// A timeline picture of one scenario: each node's role over time, the cables' state, and what happened, labelled;
// drawn by the renderer the web console shares (src/log/timeline-svg.ts) from the scenario's timeline.
import { renderTimeline, type Span, type TimelineModel } from "../../src/log/timeline-svg.ts";
import type { ScenarioResult } from "./scenario-kit.ts";

/** The marks worth a label on a node's row, and their short text. */
const MARKS: [RegExp, string | ((what: string) => string)][] = [
  [/^power cut/, "power cut"],
  [/^power on \(reset/, "reset"],
  [/^paused/, "paused"],
  [/^peer-dead/, "peer dead"],
  [/^fence-request/, "fence"],
  [/^fence-confirmed/, "fenced"],
  [/^switchover: .*frozen/, "frozen, STOPPED"],
  [/^heartbeat disk cut/, "disk cut"],
  [/^PDU of \w+ unplugged/, "PDU unplugged"],
  [/^shared root mounted/, "root mounted"],
  [/^lab (exec|initrd shell): /, (w) => `typed: ${w.replace(/^lab (exec|initrd shell): /, "").slice(0, 28)}`],
];

type Entry = ScenarioResult["timeline"][number];

/** Render both nodes' role bars, the serial and Ethernet cables, the labelled marks and a time axis. */
export function timelineSvg(r: ScenarioResult): string {
  const t = r.timeline;
  if (t.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no events</text></svg>`;
  const t0 = t[0]!.at;
  const t1 = Math.max(...t.map((e) => e.at)) + 1000;
  const model: TimelineModel = {
    title: `${r.name}: ${r.pass ? "PASS" : "FAIL"}`,
    t0,
    t1,
    rows: ["a", "b"].map((n) =>
      nodeRow(
        t.filter((e) => e.node === n),
        n,
        t0,
        t1,
      ),
    ),
    cables: (["serial", "ethernet"] as const).map((c) => ({ label: c, cuts: cuts(t, c, t1) })),
  };
  return renderTimeline(model);
}

/** One node: role spans from its role events and power actions, and the marks worth a label. */
function nodeRow(events: Entry[], n: string, t0: number, t1: number): TimelineModel["rows"][number] {
  const spans: Span[] = [];
  const marks: TimelineModel["rows"][number]["marks"] = [];
  let role = "OFF";
  let since = t0;
  for (const e of events) {
    const m = /^role \[(\w+)\]/.exec(e.what);
    const next = m ? m[1]! : e.what.startsWith("power on") ? "BOOTING" : e.what.startsWith("power cut") ? "OFF" : null;
    if (next) {
      spans.push({ from: since, to: e.at, state: role });
      role = next;
      since = e.at;
    }
    const mark = MARKS.find(([re]) => re.test(e.what));
    if (mark) marks.push({ at: e.at, label: typeof mark[1] === "string" ? mark[1] : mark[1](e.what), title: e.what });
  }
  spans.push({ from: since, to: t1, state: role });
  return { label: `node ${n}`, spans, marks };
}

/** When a cable was cut, from the lab's cut/heal actions. */
function cuts(t: Entry[], cable: "serial" | "ethernet", t1: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let cutSince: number | null = null;
  for (const e of t.filter((e) => e.node === "-")) {
    const m = /^(cut|heal) (serial|ethernet|all)$/.exec(e.what);
    if (!m || (m[2] !== cable && m[2] !== "all")) continue;
    if (m[1] === "cut" && cutSince === null) cutSince = e.at;
    if (m[1] === "heal" && cutSince !== null) {
      out.push({ from: cutSince, to: e.at });
      cutSince = null;
    }
  }
  if (cutSince !== null) out.push({ from: cutSince, to: t1 });
  return out;
}
