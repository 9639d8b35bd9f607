// The timeline picture shared by the lab's reports and the web console: one row per node with its state over time,
// thin rows for the cables (up or cut), red marks labelled under their row, a time axis and a legend. Callers turn
// their own records into a TimelineModel; every text in it is escaped here.

/** The fill of each state a row can be in. */
export const STATE_COLOR: Readonly<Record<string, string>> = {
  BOOTING: "#bbb",
  STANDBY: "#6a9fd8",
  FENCING: "#e8a23a",
  ACTIVE: "#4caf50",
  STOPPED: "#999",
  OFF: "#fff",
  DEAD: "#7b1f1f",
  FENCED: "#5d4037",
  UNKNOWN: "#eee",
};
const FONT = `font-family="sans-serif"`;
const W = 1000;

/** A state held from `from` to `to` (ms, any epoch shared by the model). */
export interface Span {
  from: number;
  to: number;
  state: string;
}

/** One labelled event on a row; `title` is the full text (a tooltip). */
export interface Mark {
  at: number;
  label: string;
  title: string;
}

/** What the picture shows. */
export interface TimelineModel {
  title: string;
  t0: number;
  t1: number;
  rows: { label: string; spans: Span[]; marks: Mark[] }[];
  cables: { label: string; cuts: { from: number; to: number }[] }[];
  /** States named in the legend, in order (default: the lab's six). */
  legend?: string[];
}

const LAB_LEGEND = ["BOOTING", "STANDBY", "FENCING", "ACTIVE", "STOPPED", "OFF"];

/** The SVG document of a model. */
export function renderTimeline(m: TimelineModel): string {
  const span = Math.max(1, m.t1 - m.t0);
  const x = (at: number) => 90 + ((Math.min(Math.max(at, m.t0), m.t1) - m.t0) / span) * (W - 110);
  const parts: string[] = [];
  for (const [i, r] of m.rows.entries()) parts.push(...nodeRow(r, 30 + i * 70, x));
  const cablesY = 30 + m.rows.length * 70 + 5;
  for (const [i, c] of m.cables.entries()) parts.push(...cableRow(c, cablesY + i * 15, x, m.t0, m.t1));
  const axisY = cablesY + m.cables.length * 15 + 13;
  parts.push(...axis(m.t0, m.t1, axisY, x));
  const legendY = axisY + 10;
  const legend = (m.legend ?? LAB_LEGEND).map(
    (k, i) =>
      `<rect x="${90 + i * 105}" y="${legendY}" width="12" height="12" fill="${STATE_COLOR[k] ?? "#ddd"}" stroke="#333"/><text x="${106 + i * 105}" y="${legendY + 11}" ${FONT} font-size="11">${escapeXml(k)}</text>`,
  );
  const lx = 90 + (m.legend ?? LAB_LEGEND).length * 105;
  if (m.cables.length > 0)
    legend.push(
      `<rect x="${lx}" y="${legendY}" width="12" height="6" fill="#7cb342"/><text x="${lx + 16}" y="${legendY + 11}" ${FONT} font-size="11">up</text><rect x="${lx + 50}" y="${legendY}" width="12" height="6" fill="#d32f2f"/><text x="${lx + 66}" y="${legendY + 11}" ${FONT} font-size="11">down</text>`,
    );
  const height = legendY + 22;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}"><text x="10" y="14" ${FONT} font-size="13">${escapeXml(m.title)}</text>${parts.join("")}${legend.join("")}</svg>`;
}

/** One node: its state bars, and its marks labelled below, staggered over four lanes. */
function nodeRow(r: TimelineModel["rows"][number], y: number, x: (at: number) => number): string[] {
  const out = [`<text x="10" y="${y + 18}" ${FONT} font-size="14">${escapeXml(r.label)}</text>`];
  for (const s of r.spans)
    out.push(
      `<rect x="${x(s.from)}" y="${y}" width="${Math.max(1, x(s.to) - x(s.from))}" height="24" fill="${STATE_COLOR[s.state] ?? "#ddd"}" stroke="#333" stroke-width="0.3"><title>${escapeXml(s.state)}</title></rect>`,
    );
  const laneEnd = [-Infinity, -Infinity, -Infinity, -Infinity];
  for (const mk of r.marks) {
    const at = x(mk.at);
    // The first of four lanes whose last label ended before this one starts (about 5 px a character at 9 px).
    const free = laneEnd.findIndex((end) => end < at);
    const lane = free < 0 ? laneEnd.indexOf(Math.min(...laneEnd)) : free;
    laneEnd[lane] = at + 5 * mk.label.length + 6;
    out.push(
      `<line x1="${at}" y1="${y - 3}" x2="${at}" y2="${y + 30 + lane * 9}" stroke="#c00" stroke-width="1.2"><title>${escapeXml(mk.title)}</title></line>`,
      `<text x="${at + 2}" y="${y + 36 + lane * 9}" ${FONT} font-size="9" fill="#900">${escapeXml(mk.label)}</text>`,
    );
  }
  return out;
}

/** One cable: green while up, red while cut. */
function cableRow(
  c: TimelineModel["cables"][number],
  y: number,
  x: (at: number) => number,
  t0: number,
  t1: number,
): string[] {
  const out = [
    `<text x="10" y="${y + 6}" ${FONT} font-size="10">${escapeXml(c.label)}</text>`,
    `<rect x="${x(t0)}" y="${y}" width="${Math.max(1, x(t1) - x(t0))}" height="6" fill="#7cb342"><title>${escapeXml(c.label)} up</title></rect>`,
  ];
  for (const cut of c.cuts)
    out.push(
      `<rect x="${x(cut.from)}" y="${y}" width="${Math.max(1, x(cut.to) - x(cut.from))}" height="6" fill="#d32f2f"><title>${escapeXml(c.label)} down</title></rect>`,
    );
  return out;
}

/** About ten ticks, in seconds up to two hours, in minutes beyond. */
function axis(t0: number, t1: number, y: number, x: (at: number) => number): string[] {
  const secs = Math.round((t1 - t0) / 1000);
  const minutes = secs > 7200;
  const unit = minutes ? 60 : 1;
  const n = secs / unit;
  const step = Math.max(10, Math.ceil(n / 10 / 10) * 10);
  const out: string[] = [];
  for (let s = 0; s <= n; s += step)
    out.push(`<text x="${x(t0 + s * unit * 1000)}" y="${y}" ${FONT} font-size="10">${s}${minutes ? "m" : "s"}</text>`);
  return out;
}

/**
 * Text and attribute values for SVG/XML: the five characters that could end or open markup escaped, and the
 * characters XML 1.0 does not allow at all (C0 controls other than tab and newlines, U+FFFE, U+FFFF, lone
 * surrogates; a terminal colour code in a monitor's reason) replaced by U+FFFD, so the picture stays well-formed.
 */
export function escapeXml(s: string): string {
  return s
    .replace(
      /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      "\uFFFD",
    )
    .replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c] as string);
}
