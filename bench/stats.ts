// Summary statistics for benchmark samples: min, median, p99 (nearest rank), max.

/** Summary of one sample set (ms). */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile `p` (0..100) of already sorted `xs`. */
function rank(xs: readonly number[], p: number): number {
  const i = Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1));
  return xs[i]!;
}

/** min/median/p99/max of `samples`; with fewer than 100 samples p99 is the largest or second largest. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, min: Number.NaN, median: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const xs = [...samples].sort((a, b) => a - b);
  const mid = xs.length >> 1;
  const median = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { n: xs.length, min: xs[0]!, median, p99: rank(xs, 99), max: xs[xs.length - 1]! };
}

/** A number for a table cell: integers as is, others to one decimal; NaN as a dash. */
export function fmt(x: number, digits = 0): string {
  return Number.isNaN(x) ? "-" : x.toFixed(digits);
}
