// Hostile TOML shapes of a chosen size, and their parse times at n and 4n (run in a child by toml-linear.test.ts).
import { parse } from "../../src/config/toml.ts";

/** Entries produced by f(0), f(1), ... until they add up to about n bytes. */
function entries(n: number, f: (i: number) => string): string[] {
  const out: string[] = [];
  for (let i = 0, len = 0; len < n; i++) {
    const s = f(i);
    out.push(s);
    len += s.length + 2;
  }
  return out;
}

/** Each shape builds a document of about `n` bytes. */
export const SHAPES: Record<string, (n: number) => string> = {
  "dotted key": (n) => `a${".a".repeat(n / 2)} = 1\n`,
  "dotted header": (n) => `[${"a.".repeat(n / 2)}b]\nk = 1\n`,
  "deep dotted key in an inline table": (n) => `x = { ${"a.".repeat(n / 2)}b = 1 }\n`,
  "long bare key": (n) => `${"k".repeat(n)} = 1\n`,
  "flat inline table": (n) => `x = { ${entries(n, (i) => `k${i} = ${i}`).join(", ")} }\n`,
  "inline table of dotted keys": (n) => `x = { ${entries(n, (i) => `k${i}.v = ${i}`).join(", ")} }\n`,
  "nested inline tables": (n) =>
    `x = ${entries(n, () => "{ a = ").join("")}1${" }".repeat(entries(n, () => "{ a = ").length)}\n`,
  array: (n) => `x = [ ${entries(n, (i) => String(i)).join(", ")} ]\n`,
  "long string with escapes": (n) => `x = "${"ab\\n".repeat(n / 4)}"\n`,
  "many tables": (n) => `${entries(n, (i) => `[t${i}]\nk = 1`).join("\n")}\n`,
  "many bad lines": (n) => `${entries(n, () => "= 1").join("\n")}\n`,
};

/** One shape's timing: best of three parses at n and at 4n bytes. */
export interface ShapeTiming {
  name: string;
  bytes: number;
  t1: number;
  t4: number;
  ok: boolean;
  first: string;
}

/**
 * The fastest of 7 parses of each input, the two sizes interleaved: a busy machine slows single runs, and
 * alternating spreads a burst of load over both sizes instead of one.
 */
function bestPair(
  small: string,
  large: string,
): [{ t: number; r: ReturnType<typeof parse> }, { t: number; r: ReturnType<typeof parse> }] {
  const a = { t: Infinity, r: parse(small) };
  const b = { t: Infinity, r: parse(large) };
  for (let i = 0; i < 7; i++) {
    for (const [x, src] of [
      [a, small],
      [b, large],
    ] as const) {
      const s = performance.now();
      x.r = parse(src);
      x.t = Math.min(x.t, performance.now() - s);
    }
  }
  return [a, b];
}

/** Times every shape at n and 4n bytes; prints one JSON line per shape as it finishes. */
export function timeShapes(n: number): ShapeTiming[] {
  const out: ShapeTiming[] = [];
  for (const [name, make] of Object.entries(SHAPES)) {
    const small = make(n);
    const large = make(4 * n);
    const [a, b] = bestPair(small, large);
    const row = {
      name,
      bytes: large.length,
      t1: a.t,
      t4: b.t,
      ok: b.r.ok,
      first: b.r.ok ? "" : (b.r.errors[0]?.message ?? ""),
    };
    console.log(JSON.stringify(row));
    out.push(row);
  }
  return out;
}

if (import.meta.main) timeShapes(Number(process.argv[2] ?? 100_000));
