// Rise/fall smoothing, table-tested: consecutive results move health; hard and fatal results act at once.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ResultKind } from "../../src/sma/api.ts";
import { smooth, type Smoothed, UNKNOWN } from "../../src/sma/smoothing.ts";

const short: Record<string, ResultKind> = { R: "running", N: "not-running", S: "soft-error", H: "hard-error", F: "fatal" };

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

const TABLE: [string, string, number, number, string, number[]][] = [
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

for (const [what, seq, rise, fall, health, trips] of TABLE) {
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
