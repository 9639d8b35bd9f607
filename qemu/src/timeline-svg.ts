// A timeline picture of one scenario: each node's role over time, the cables' state, and what happened, labelled.
import type { ScenarioResult } from "./scenario-kit.ts";

const COLOR: Record<string, string> = {
  BOOTING: "#bbb",
  STANDBY: "#6a9fd8",
  FENCING: "#e8a23a",
  ACTIVE: "#4caf50",
  STOPPED: "#999",
  OFF: "#fff",
};
const FONT = `font-family="sans-serif"`;
const W = 1000;

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

/** Render both nodes' role bars, the serial and Ethernet cables, the labelled marks and a time axis. */
export function timelineSvg(r: ScenarioResult): string {
  const t = r.timeline;
  if (t.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no events</text></svg>`;
  const t0 = t[0]!.at;
  const t1 = Math.max(...t.map((e) => e.at)) + 1000;
  const x = (at: number) => 90 + ((at - t0) / (t1 - t0)) * (W - 110);
  const parts: string[] = [];
  for (const [i, n] of ["a", "b"].entries())
    parts.push(
      ...nodeRow(
        t.filter((e) => e.node === n),
        n,
        30 + i * 70,
        x,
        t0,
        t1,
      ),
    );
  parts.push(...cableRow(t, "serial", 175, x, t1), ...cableRow(t, "ethernet", 190, x, t1));
  const secs = Math.round((t1 - t0) / 1000);
  const stepS = Math.max(10, Math.ceil(secs / 10 / 10) * 10);
  for (let s = 0; s <= secs; s += stepS)
    parts.push(`<text x="${x(t0 + s * 1000)}" y="218" ${FONT} font-size="10">${s}s</text>`);
  const legend = Object.entries(COLOR).map(
    ([k, c], i) =>
      `<rect x="${90 + i * 105}" y="228" width="12" height="12" fill="${c}" stroke="#333"/><text x="${106 + i * 105}" y="239" ${FONT} font-size="11">${k}</text>`,
  );
  legend.push(
    `<rect x="720" y="228" width="12" height="6" fill="#7cb342"/><text x="736" y="239" ${FONT} font-size="11">cable up</text><rect x="810" y="228" width="12" height="6" fill="#d32f2f"/><text x="826" y="239" ${FONT} font-size="11">cable cut</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="250"><text x="10" y="14" ${FONT} font-size="13">${escapeXml(r.name)}: ${r.pass ? "PASS" : "FAIL"}</text>${parts.join("")}${legend.join("")}</svg>`;
}

type Entry = ScenarioResult["timeline"][number];

/** One node: role bars from its role events and power actions, and its marks labelled below, staggered. */
function nodeRow(events: Entry[], n: string, y: number, x: (at: number) => number, t0: number, t1: number): string[] {
  const out = [`<text x="10" y="${y + 18}" ${FONT} font-size="14">node ${n}</text>`];
  let role = "OFF";
  let since = t0;
  const flush = (until: number) =>
    out.push(
      `<rect x="${x(since)}" y="${y}" width="${Math.max(1, x(until) - x(since))}" height="24" fill="${COLOR[role] ?? "#ddd"}" stroke="#333" stroke-width="0.3"><title>${role}</title></rect>`,
    );
  const laneEnd = [-Infinity, -Infinity, -Infinity, -Infinity];
  for (const e of events) {
    const m = /^role \[(\w+)\]/.exec(e.what);
    const next = m ? m[1]! : e.what.startsWith("power on") ? "BOOTING" : e.what.startsWith("power cut") ? "OFF" : null;
    if (next) {
      flush(e.at);
      role = next;
      since = e.at;
    }
    const mark = MARKS.find(([re]) => re.test(e.what));
    if (!mark) continue;
    const label = typeof mark[1] === "string" ? mark[1] : mark[1](e.what);
    const at = x(e.at);
    // The first of four lanes whose last label ended before this one starts (about 5 px a character at 9 px).
    const free = laneEnd.findIndex((end) => end < at);
    const lane = free < 0 ? laneEnd.indexOf(Math.min(...laneEnd)) : free;
    laneEnd[lane] = at + 5 * label.length + 6;
    out.push(
      `<line x1="${at}" y1="${y - 3}" x2="${at}" y2="${y + 30 + lane * 9}" stroke="#c00" stroke-width="1.2"><title>${escapeXml(e.what)}</title></line>`,
    );
    out.push(
      `<text x="${at + 2}" y="${y + 36 + lane * 9}" ${FONT} font-size="9" fill="#900">${escapeXml(label)}</text>`,
    );
  }
  flush(t1);
  return out;
}

/** One cable: up (green) or cut (red) from the lab's cut/heal actions. */
function cableRow(
  t: Entry[],
  cable: "serial" | "ethernet",
  y: number,
  x: (at: number) => number,
  t1: number,
): string[] {
  const out = [`<text x="10" y="${y + 6}" ${FONT} font-size="10">${cable}</text>`];
  let cut = false;
  let since = t[0]!.at;
  const flush = (until: number) =>
    out.push(
      `<rect x="${x(since)}" y="${y}" width="${Math.max(1, x(until) - x(since))}" height="6" fill="${cut ? "#d32f2f" : "#7cb342"}"><title>${cable} ${cut ? "cut" : "connected"}</title></rect>`,
    );
  for (const e of t.filter((e) => e.node === "-")) {
    const m = /^(cut|heal) (serial|ethernet|all)$/.exec(e.what);
    if (!m || (m[2] !== cable && m[2] !== "all") || cut === (m[1] === "cut")) continue;
    flush(e.at);
    cut = m[1] === "cut";
    since = e.at;
  }
  flush(t1);
  return out;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
