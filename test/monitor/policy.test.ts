// The recovery policy, table-tested: restart in place within the window, then fail over; hard -> failover; fatal/stop -> stop.

import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ResultKind } from "../../src/monitor/api.ts";
import type { OnFail } from "../../src/config/types.ts";
import { decideRecovery, inWindow, repeatFailover, smooth, type Smoothed, UNKNOWN } from "../../src/monitor/policy.ts";

const W = 600_000;
type Row = [string, ResultKind, OnFail, boolean, number, number[], number, "recover" | "failover" | "stop", number];
// description, kind, on_fail, has recover, max_restarts, earlier restarts, now, expected action, restarts kept
const TABLE: Row[] = [
  ["a soft error restarts in place", "soft-error", "restart", true, 3, [], 1000, "recover", 1],
  ["not running restarts in place", "not-running", "restart", true, 3, [], 1000, "recover", 1],
  [
    "the third restart in the window is still allowed",
    "soft-error",
    "restart",
    true,
    3,
    [100, 200],
    1000,
    "recover",
    3,
  ],
  [
    "the fourth failure in the window fails over",
    "soft-error",
    "restart",
    true,
    3,
    [100, 200, 300],
    1000,
    "failover",
    3,
  ],
  [
    "restarts older than the window no longer count",
    "soft-error",
    "restart",
    true,
    3,
    [100, 200, 300],
    300 + W,
    "recover",
    1,
  ],
  [
    "the window slides: only the old one dropped",
    "soft-error",
    "restart",
    true,
    3,
    [100, 200_000, 300_000],
    100 + W,
    "recover",
    3,
  ],
  ["max_restarts = 0 fails over at once", "soft-error", "restart", true, 0, [], 1000, "failover", 0],
  ["no recover() fails over", "soft-error", "restart", false, 3, [], 1000, "failover", 0],
  ["a hard error fails over even with restarts left", "hard-error", "restart", true, 3, [], 1000, "failover", 0],
  ["on_fail = failover fails over a soft error directly", "soft-error", "failover", true, 3, [], 1000, "failover", 0],
  ["on_fail = stop stops on a soft error", "soft-error", "stop", true, 3, [], 1000, "stop", 0],
  ["on_fail = stop stops on a hard error (no failover ping-pong)", "hard-error", "stop", true, 3, [], 1000, "stop", 0],
  ["fatal stops with on_fail = restart", "fatal", "restart", true, 3, [], 1000, "stop", 0],
  ["fatal stops even with on_fail = failover", "fatal", "failover", true, 3, [], 1000, "stop", 0],
];

for (const [what, kind, onFail, canRecover, maxRestarts, restarts, now, action, kept] of TABLE) {
  test(`policy: ${what}`, () => {
    const d = decideRecovery({ kind, onFail, canRecover, maxRestarts, restartWindow: W, restarts, now });
    assert.is(d.action, action, d.reason);
    assert.is(d.restarts.length, kept);
    assert.ok(d.reason.length > 0);
    if (action === "recover") assert.is(d.restarts.at(-1), now, "the new restart is recorded at now");
  });
}

test("a failover request that left the service down is repeated only after everyMs, while down and failing", () => {
  const base = {
    health: "down" as const,
    failing: true,
    lastAction: "failover" as const,
    latchedAt: 1000,
    now: 61_000,
    everyMs: 60_000,
  };
  const rows: [string, Partial<typeof base> & Record<string, unknown>, boolean][] = [
    ["down, failing, everyMs after the request", {}, true],
    ["not yet everyMs", { now: 60_999 }, false],
    ["long after", { now: 10_000_000 }, true],
    ["health up again", { health: "up" as never }, false],
    ["health unknown (resumed)", { health: "unknown" as never }, false],
    ["this result is a success (rise not reached)", { failing: false }, false],
    ["the pending request was a stop", { lastAction: "stop" as never }, false],
    ["nothing pending", { lastAction: undefined as never }, false],
  ];
  for (const [what, over, want] of rows) assert.is(repeatFailover({ ...base, ...over }), want, what);
});

test("exhausted restarts say how many happened within which window", () => {
  const d = decideRecovery({
    kind: "soft-error",
    onFail: "restart",
    canRecover: true,
    maxRestarts: 2,
    restartWindow: 60000,
    restarts: [1, 2],
    now: 3,
  });
  assert.is(d.action, "failover");
  assert.match(d.reason, /2 restart\(s\) within 60000 ms \(max_restarts = 2\)/);
});

test("the restart window is sliding and excludes a restart exactly window ms old", () => {
  assert.equal(inWindow([0, 10, 20], 1010, 1000), [20]);
  assert.equal(inWindow([0, 10, 20], 1000, 1000), [10, 20]);
});

// Rise/fall smoothing, table-tested: consecutive results move health; hard and fatal results act at once.

const short: Record<string, ResultKind> = {
  R: "running",
  N: "not-running",
  S: "soft-error",
  H: "hard-error",
  F: "fatal",
};

/** Feed a string of result letters; returns health after each (? unknown, U up, D down) and where it tripped. */
function play(seq: string, rise: number, fall: number): { health: string; trips: number[] } {
  let s: Smoothed = UNKNOWN;
  let health = "";
  const trips: number[] = [];
  [...seq].forEach((c, i) => {
    const step = smooth(s, short[c] as ResultKind, rise, fall);
    s = step.next;
    health += s.health === "up" ? "U" : s.health === "down" ? "D" : "?";
    if (step.tripped) trips.push(i);
  });
  return { health, trips };
}

const SMOOTHING_TABLE: [string, string, number, number, string, number[]][] = [
  // description, results (R running, N not-running, S soft, H hard, F fatal), rise, fall, health after each, trip indexes
  ["health stays unknown until rise successes", "RRR", 2, 3, "?UU", []],
  ["rise 1 is up at the first success", "R", 1, 3, "U", []],
  ["fall 3 is down only at the third failure in a row", "RSSS", 1, 3, "UUUD", [3]],
  ["a success in between resets the failure count", "RSSRSS", 1, 3, "UUUUUU", []],
  ["down needs rise successes to come back up", "SSSRRR", 2, 3, "??DDUU", [2]],
  ["not-running counts as a failure like a soft error", "RNNN", 1, 3, "UUUD", [3]],
  ["a hard error is down and trips at once", "RH", 1, 3, "UD", [1]],
  ["fatal is down and trips at once", "F", 1, 3, "D", [0]],
  ["failures past fall trip only once", "SSSSS", 1, 2, "?DDDD", [1]],
];

for (const [what, seq, rise, fall, health, trips] of SMOOTHING_TABLE) {
  test(`smoothing: ${what}`, () => {
    const r = play(seq, rise, fall);
    assert.is(r.health, health, `health after ${seq}`);
    assert.equal(r.trips, trips);
  });
}

test("counters count consecutive results and reset on a change", () => {
  let s = UNKNOWN;
  for (const k of ["running", "running", "soft-error"] as const) s = smooth(s, k, 2, 3).next;
  assert.equal(s, { health: "up", consecutiveOk: 0, consecutiveFail: 1 });
});

test.run();
