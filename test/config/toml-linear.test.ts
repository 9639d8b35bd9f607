// The TOML parser's work grows linearly with its input: hostile shapes (long dotted keys and headers, deep
// dotted keys in inline tables, huge inline tables and arrays) are parsed or refused in bounded time.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { SHAPES } from "./toml-shapes.ts";

const REPO = join(import.meta.dir, "..", "..");
const BUN = join(REPO, "node_modules", ".bin", "bun");
/** The child is killed after this long: quadratic parsing of the 4n inputs takes minutes, linear well under a second. */
const KILL_MS = 60_000;
/** Largest accepted time(4n) / time(n): 4 when linear, 16 when quadratic; generous for noise on a shared machine. */
const MAX_RATIO = 9;

test("every hostile shape parses in linear time: time(4n) / time(n) stays near 4, up to 400 KB", () => {
  const r = spawnSync(BUN, [join(import.meta.dir, "toml-shapes.ts"), String(100_000)], {
    encoding: "utf8",
    timeout: KILL_MS,
    cwd: REPO,
  });
  assert.is(r.signal, null, `the parser did not finish the shapes within ${KILL_MS} ms (killed); so far:\n${r.stdout}`);
  assert.is(r.status, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { name: string; bytes: number; t1: number; t4: number; ok: boolean; first: string });
  assert.is(rows.length, Object.keys(SHAPES).length);
  for (const row of rows) {
    const ratio = row.t4 / Math.max(row.t1, 2);
    console.log(
      `  ${row.name}: ${row.bytes} bytes in ${row.t4.toFixed(1)} ms, ratio 4n/n ${ratio.toFixed(1)}${row.ok ? "" : ` (refused: ${row.first})`}`,
    );
    assert.ok(
      ratio < MAX_RATIO,
      `${row.name}: time(4n)/time(n) = ${ratio.toFixed(1)} (${row.t1.toFixed(1)} ms -> ${row.t4.toFixed(1)} ms); expected linear growth`,
    );
  }
});

test("keys nested deeper than the limit are refused with a message naming the limit", async () => {
  const { parse } = await import("../../src/config/toml.ts");
  const { MAX_KEY_DEPTH } = await import("../../src/config/toml-tokens.ts");
  const ok = parse(`x${".a".repeat(MAX_KEY_DEPTH - 1)} = 1\n`);
  assert.ok(ok.ok);
  for (const src of [
    `x${".a".repeat(MAX_KEY_DEPTH)} = 1\n`,
    `[x${".a".repeat(MAX_KEY_DEPTH)}]\n`,
    `x = { ${"a.".repeat(MAX_KEY_DEPTH)}b = 1 }\n`,
    `[t]\ny = { z = { ${"a.".repeat(MAX_KEY_DEPTH - 3)}b = 1 } }\n`,
  ]) {
    const r = parse(src);
    assert.not.ok(r.ok, src.slice(0, 40));
    if (!r.ok) assert.match(r.errors[0]!.message, `keys nested at most ${MAX_KEY_DEPTH} deep`);
  }
});

test.run();
