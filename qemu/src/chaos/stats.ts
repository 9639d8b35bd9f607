// The chaos soak's figures: each fault's outcome counted, failover times as a histogram (numbers and an SVG). Pure.
import type { Expectation, FaultKind } from "./schedule.ts";

export interface FaultOutcome {
  i: number;
  kind: FaultKind;
  what: string;
  /** When the fault was injected (ms since the epoch) and on which node (by role at that moment). */
  at: number;
  active: string;
  standby: string;
  expected: Expectation;
  /** The former STANDBY became ACTIVE after the fault. */
  observed: boolean;
  /** Fault -> the new ACTIVE's role event; fault -> its workload's first acknowledged record. */
  toActiveMs?: number;
  toWritingMs?: number;
  /** Exactly one ACTIVE and the other STANDBY again, the ACTIVE writing, within the bound. */
  settled: boolean;
  settleMs: number;
  notes: string[];
}

export interface Counts {
  splitBrains: number;
  lostRecords: number;
  falseFailovers: number;
  missedFailovers: number;
}

/** False and missed failovers from the outcomes ("either" counts as neither). */
export function failoverCounts(o: FaultOutcome[]): Pick<Counts, "falseFailovers" | "missedFailovers"> {
  return {
    falseFailovers: o.filter((x) => x.expected === false && x.observed).length,
    missedFailovers: o.filter((x) => x.expected === true && !x.observed).length,
  };
}

/** Faults per kind, in the order first seen. */
export function byKind(o: FaultOutcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of o) out[x.kind] = (out[x.kind] ?? 0) + 1;
  return out;
}

export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function summary(values: number[]): Summary | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { n: v.length, min: v[0]!, median, max: v.at(-1)! };
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Equal bins of `binMs` from the bin holding the smallest value to the one holding the largest. */
export function histogram(values: number[], binMs: number): Bin[] {
  if (values.length === 0) return [];
  const lo = Math.floor(Math.min(...values) / binMs);
  const hi = Math.floor(Math.max(...values) / binMs);
  const bins: Bin[] = [];
  for (let b = lo; b <= hi; b++) bins.push({ from: b * binMs, to: (b + 1) * binMs, count: 0 });
  for (const v of values) bins[Math.floor(v / binMs) - lo]!.count++;
  return bins;
}

const FONT = `font-family="sans-serif"`;

/** A bar chart of failover times (ms), one colour per fault kind stacked in each bin; min/median/max in the title. */
export function histogramSvg(title: string, samples: { kind: string; ms: number }[], binMs = 5000): string {
  const W = 900;
  const H = 320;
  if (samples.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25" ${FONT}>${esc(title)}: no failovers</text></svg>`;
  const bins = histogram(
    samples.map((s) => s.ms),
    binMs,
  );
  const kinds = [...new Set(samples.map((s) => s.kind))];
  const palette = ["#4caf50", "#6a9fd8", "#e8a23a", "#d32f2f", "#8e24aa", "#00897b", "#6d4c41", "#999"];
  const color = (k: string) => palette[kinds.indexOf(k) % palette.length]!;
  const top = Math.max(...bins.map((b) => b.count));
  const left = 50;
  const plotW = W - left - 20;
  const plotH = H - 110;
  const bw = plotW / bins.length;
  const y = (c: number) => 40 + plotH - (c / top) * plotH;
  const parts: string[] = [];
  const s = summary(samples.map((x) => x.ms))!;
  parts.push(
    `<text x="10" y="18" ${FONT} font-size="14">${esc(title)}: n=${s.n}, min ${sec(s.min)}, median ${sec(s.median)}, max ${sec(s.max)}</text>`,
  );
  for (let c = 0; c <= top; c += Math.max(1, Math.ceil(top / 5)))
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(c)}" y2="${y(c)}" stroke="#ddd"/><text x="${left - 8}" y="${y(c) + 4}" ${FONT} font-size="10" text-anchor="end">${c}</text>`,
    );
  for (const [i, b] of bins.entries()) {
    let stacked = 0;
    for (const k of kinds) {
      const n = samples.filter((x) => x.kind === k && x.ms >= b.from && x.ms < b.to).length;
      if (n === 0) continue;
      parts.push(
        `<rect x="${left + i * bw + 1}" y="${y(stacked + n)}" width="${Math.max(1, bw - 2)}" height="${y(stacked) - y(stacked + n)}" fill="${color(k)}" stroke="#333" stroke-width="0.3"><title>${esc(k)}: ${n} in ${sec(b.from)}-${sec(b.to)}</title></rect>`,
      );
      stacked += n;
    }
    parts.push(
      `<text x="${left + i * bw + bw / 2}" y="${40 + plotH + 14}" ${FONT} font-size="10" text-anchor="middle">${Math.round(b.from / 1000)}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${40 + plotH + 30}" ${FONT} font-size="11" text-anchor="middle">seconds from the fault to the new ACTIVE (bins of ${binMs / 1000} s)</text>`,
  );
  for (const [i, k] of kinds.entries())
    parts.push(
      `<rect x="${left + i * 160}" y="${H - 30}" width="12" height="12" fill="${color(k)}" stroke="#333"/><text x="${left + 16 + i * 160}" y="${H - 20}" ${FONT} font-size="11">${esc(k)}</text>`,
    );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join("")}</svg>`;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

/**
 * Writers from acknowledged records in time order: each writer (node, boot) must own one contiguous run. Returns the
 * writers in order and every writer that came back after another one wrote (a split brain's evidence).
 */
export function writerRuns(acks: { at: number; node?: string; boot?: string }[]): {
  writers: string[];
  returned: string[];
} {
  const writers: string[] = [];
  const returned: string[] = [];
  for (const a of [...acks].sort((x, y) => x.at - y.at)) {
    const w = `node=${a.node} boot=${a.boot}`;
    if (writers.at(-1) === w) continue;
    if (writers.includes(w) && !returned.includes(w)) returned.push(w);
    writers.push(w);
  }
  return { writers, returned };
}
