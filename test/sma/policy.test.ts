// The recovery policy, table-tested: restart in place within the window, then fail over; hard -> failover; fatal/stop -> stop.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ResultKind } from "../../src/sma/api.ts";
import type { OnFail } from "../../src/config/types.ts";
import { decideRecovery, inWindow, repeatFailover } from "../../src/sma/policy.ts";

const W = 600_000;
type Row = [string, ResultKind, OnFail, boolean, number, number[], number, "recover" | "failover" | "stop", number];
// description, kind, on_fail, has recover, max_restarts, earlier restarts, now, expected action, restarts kept
const TABLE: Row[] = [
  ["a soft error restarts in place", "soft-error", "restart", true, 3, [], 1000, "recover", 1],
  ["not running restarts in place", "not-running", "restart", true, 3, [], 1000, "recover", 1],
  ["the third restart in the window is still allowed", "soft-error", "restart", true, 3, [100, 200], 1000, "recover", 3],
  ["the fourth failure in the window fails over", "soft-error", "restart", true, 3, [100, 200, 300], 1000, "failover", 3],
  ["restarts older than the window no longer count", "soft-error", "restart", true, 3, [100, 200, 300], 300 + W, "recover", 1],
  ["the window slides: only the old one dropped", "soft-error", "restart", true, 3, [100, 200_000, 300_000], 100 + W, "recover", 3],
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

test("a failover request that left the agent down is repeated only after everyMs, while down and failing", () => {
  const base = { health: "down" as const, failing: true, lastAction: "failover" as const, latchedAt: 1000, now: 61_000, everyMs: 60_000 };
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
  const d = decideRecovery({ kind: "soft-error", onFail: "restart", canRecover: true, maxRestarts: 2, restartWindow: 60000, restarts: [1, 2], now: 3 });
  assert.is(d.action, "failover");
  assert.match(d.reason, /2 restart\(s\) within 60000 ms \(max_restarts = 2\)/);
});

test("the restart window is sliding and excludes a restart exactly window ms old", () => {
  assert.equal(inWindow([0, 10, 20], 1010, 1000), [20]);
  assert.equal(inWindow([0, 10, 20], 1000, 1000), [10, 20]);
});

test.run();
