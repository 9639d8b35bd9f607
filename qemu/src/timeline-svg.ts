// A timeline picture of one scenario: each node's role over time as coloured bars, with the lab's actions marked.
import type { ScenarioResult } from "./scenario-kit.ts";

const COLOR: Record<string, string> = { BOOTING: "#bbb", STANDBY: "#6a9fd8", FENCING: "#e8a23a", ACTIVE: "#4caf50", STOPPED: "#999", OFF: "#fff" };

/** Render the role bars of nodes a and b between the first and last timeline entries. */
export function timelineSvg(r: ScenarioResult): string {
  const t = r.timeline;
  if (t.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no events</text></svg>`;
  const t0 = t[0]!.at;
  const t1 = Math.max(...t.map((e) => e.at)) + 1000;
  const W = 1000;
  const x = (at: number) => 80 + ((at - t0) / (t1 - t0)) * (W - 100);
  const parts: string[] = [];
  ["a", "b"].forEach((n, i) => {
    const y = 30 + i * 50;
    parts.push(`<text x="10" y="${y + 18}" font-family="sans-serif" font-size="14">node ${n}</text>`);
    let role = "OFF";
    let since = t0;
    const flush = (until: number) => parts.push(`<rect x="${x(since)}" y="${y}" width="${Math.max(1, x(until) - x(since))}" height="24" fill="${COLOR[role] ?? "#ddd"}" stroke="#333" stroke-width="0.3"><title>${role}</title></rect>`);
    for (const e of t.filter((e) => e.node === n)) {
      const m = /^role \[(\w+)\]/.exec(e.what);
      const next = m ? m[1]! : e.what.startsWith("power on") ? "BOOTING" : e.what.startsWith("power cut") ? "OFF" : null;
      if (next) {
        flush(e.at);
        role = next;
        since = e.at;
      }
      if (/fence|power cut|paused/.test(e.what)) parts.push(`<line x1="${x(e.at)}" y1="${y - 4}" x2="${x(e.at)}" y2="${y + 28}" stroke="#c00" stroke-width="1.5"><title>${escape(e.what)}</title></line>`);
    }
    flush(t1);
  });
  for (const e of t.filter((e) => e.node === "-")) parts.push(`<line x1="${x(e.at)}" y1="20" x2="${x(e.at)}" y2="140" stroke="#800080" stroke-dasharray="4"><title>${escape(e.what)}</title></line>`);
  const secs = Math.round((t1 - t0) / 1000);
  for (let s = 0; s <= secs; s += Math.max(10, Math.ceil(secs / 10 / 10) * 10)) parts.push(`<text x="${x(t0 + s * 1000)}" y="150" font-family="sans-serif" font-size="10">${s}s</text>`);
  const legend = Object.entries(COLOR).map(([k, c], i) => `<rect x="${80 + i * 110}" y="160" width="12" height="12" fill="${c}" stroke="#333"/><text x="${96 + i * 110}" y="171" font-family="sans-serif" font-size="11">${k}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="185"><text x="10" y="14" font-family="sans-serif" font-size="13">${escape(r.name)}: ${r.pass ? "PASS" : "FAIL"}</text>${parts.join("")}${legend.join("")}</svg>`;
}

function escape(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
