// The chaos soak's pure parts: the seeded fault schedule, what each fault should do, and the figures of the report.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  expectFailover,
  faultSchedule,
  LONG_PAUSE,
  LONGEST_PAUSE,
  prng,
  RESTART_WINDOW_MS,
  SHORT_PAUSE,
  WEIGHTS,
} from "../../qemu/src/chaos/schedule.ts";
import {
  type FaultOutcome,
  failoverCounts,
  histogram,
  histogramSvg,
  summary,
  writerRuns,
} from "../../qemu/src/chaos/stats.ts";
import { passTable } from "../../qemu/src/report.ts";

const DEADTIME = 5000;

test("the same seed gives the same fault schedule; another seed another one", () => {
  assert.equal(faultSchedule(1234, 200, DEADTIME), faultSchedule(1234, 200, DEADTIME));
  assert.not.equal(faultSchedule(1234, 50, DEADTIME), faultSchedule(1235, 50, DEADTIME));
  // A longer schedule starts with the shorter one: the soak's length never changes its first faults.
  assert.equal(faultSchedule(9, 500, DEADTIME).slice(0, 20), faultSchedule(9, 20, DEADTIME));
});

test("the PRNG is in [0, 1) and spreads", () => {
  const r = prng(7);
  const xs = Array.from({ length: 10000 }, r);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
});

test("every fault kind is drawn, roughly by its weight", () => {
  const s = faultSchedule(42, 2000, DEADTIME);
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  for (const [k, w] of Object.entries(WEIGHTS)) {
    const n = s.filter((f) => f.kind === k).length;
    assert.ok(Math.abs(n / s.length - w / total) < 0.03, `${k}: ${n} of ${s.length}`);
  }
});

test("pauses: short ones (deadtime/2 included) must not fail over, long ones must; none in the grey zone", () => {
  const pauses = faultSchedule(3, 3000, DEADTIME).filter((f) => f.kind === "pause-active");
  assert.ok(
    pauses.some((p) => p.ms === DEADTIME / 2 && !p.expectFailover),
    "deadtime/2 is drawn",
  );
  for (const p of pauses) {
    if (p.expectFailover) assert.ok(p.ms >= LONG_PAUSE * DEADTIME && p.ms <= LONGEST_PAUSE * DEADTIME, `${p.ms}`);
    else assert.ok(p.ms <= SHORT_PAUSE * DEADTIME, `${p.ms}`);
  }
  assert.ok(pauses.some((p) => p.expectFailover) && pauses.some((p) => !p.expectFailover));
});

test("garbage bytes are bytes; cut links are serial, ethernet or all", () => {
  const s = faultSchedule(5, 1000, DEADTIME);
  for (const f of s) {
    if (f.kind === "garbage-serial")
      assert.ok(f.bursts.every((b) => b.length > 0 && b.every((x) => x >= 0 && x < 256)));
    if (f.kind === "cut") assert.ok(["serial", "ethernet", "all"].includes(f.link));
  }
});

test("expected outcomes: failover for power cut, admin actions, long pause, fence device off with a power cut", () => {
  assert.is(expectFailover({ kind: "power-cut-active" }, 0), true);
  assert.is(expectFailover({ kind: "power-cut-standby", offMs: 1 }, 0), false);
  assert.is(expectFailover({ kind: "admin-standby" }, 0), true);
  assert.is(expectFailover({ kind: "admin-takeover" }, 0), true);
  assert.is(expectFailover({ kind: "pause-active", ms: 2500, expectFailover: false }, 0), false);
  assert.is(expectFailover({ kind: "pause-active", ms: 12000, expectFailover: true }, 0), true);
  assert.is(expectFailover({ kind: "fence-device-off", holdMs: 1, powerCut: true }, 0), true);
  assert.is(expectFailover({ kind: "fence-device-off", holdMs: 1, powerCut: false }, 0), false);
  assert.is(expectFailover({ kind: "cut", link: "all", holdMs: 1 }, 0), false);
  assert.is(expectFailover({ kind: "garbage-serial", to: "active", bursts: [[1]] }, 0), false);
});

test("a service kill fails over only when the same boot had one within the restart window", () => {
  const k = { kind: "service-kill" } as const;
  const now = 10_000_000;
  assert.is(expectFailover(k, now, []), false);
  assert.is(expectFailover(k, now, [now - 60000]), true);
  assert.is(expectFailover(k, now, [now - RESTART_WINDOW_MS - 120000]), false);
  assert.is(expectFailover(k, now, [now - RESTART_WINDOW_MS]), "either");
});

const outcome = (o: Partial<FaultOutcome>): FaultOutcome => ({
  i: 1,
  kind: "pause-active",
  what: "",
  at: 0,
  active: "a",
  standby: "b",
  expected: false,
  observed: false,
  settled: true,
  settleMs: 0,
  notes: [],
  ...o,
});

test("false and missed failovers are counted; 'either' is neither", () => {
  const c = failoverCounts([
    outcome({ expected: false, observed: true }),
    outcome({ expected: true, observed: false }),
    outcome({ expected: true, observed: false }),
    outcome({ expected: "either", observed: true }),
    outcome({ expected: "either", observed: false }),
    outcome({ expected: true, observed: true }),
  ]);
  assert.equal(c, { falseFailovers: 1, missedFailovers: 2 });
});

test("summary and histogram of failover times", () => {
  assert.is(summary([]), null);
  assert.equal(summary([30, 10, 20]), { n: 3, min: 10, median: 20, max: 30 });
  assert.equal(summary([4, 1, 3, 2])?.median, 2.5);
  assert.equal(histogram([], 5000), []);
  const h = histogram([12000, 14999, 15000, 31000], 5000);
  assert.equal(
    h.map((b) => [b.from, b.count]),
    [
      [10000, 2],
      [15000, 1],
      [20000, 0],
      [25000, 0],
      [30000, 1],
    ],
  );
  assert.is(
    h.reduce((s, b) => s + b.count, 0),
    4,
  );
});

test("the histogram picture: one bar per kind and bin, the figures in the title, escaped text", () => {
  const svg = histogramSvg("fail <over>", [
    { kind: "power-cut-active", ms: 21000 },
    { kind: "pause-active", ms: 22000 },
    { kind: "power-cut-active", ms: 40000 },
  ]);
  assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
  assert.ok(svg.includes("fail &lt;over&gt;: n=3, min 21.0 s, median 22.0 s, max 40.0 s"));
  assert.is((svg.match(/<rect [^>]*><title>/g) ?? []).length, 3);
  assert.ok(histogramSvg("x", []).includes("no failovers"));
});

test("writers: one contiguous run each; a writer that comes back after another is a split brain", () => {
  const w = (at: number, node: string, boot: string) => ({ at, node, boot });
  assert.equal(writerRuns([w(1, "a", "x"), w(2, "a", "x"), w(3, "b", "y"), w(4, "a", "z")]).returned, []);
  const r = writerRuns([w(1, "a", "x"), w(3, "b", "y"), w(2, "a", "x"), w(4, "a", "x")]);
  assert.equal(r.writers, ["node=a boot=x", "node=b boot=y", "node=a boot=x"]);
  assert.equal(r.returned, ["node=a boot=x"]);
});

test("the matrix table counts passes per scenario", () => {
  const t = passTable([
    { name: "kill-active", pass: true },
    { name: "switchover", pass: false },
    { name: "kill-active", pass: true },
    { name: "switchover", pass: true },
  ]);
  assert.match(t, /kill-active\s+2\/2\n/);
  assert.match(t, /switchover\s+1\/2  FAILED/);
});

test.run();
