// A self-fence silences the node for good: a reset the kernel refused must never leave it announcing STOPPED,
// which the peer takes as a clean release and answers by mounting the shared root beside a running node.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Action, type CoreState, type Input, step } from "../../src/core/index.ts";
import { SELF_FENCE_RETRY_MS } from "../../src/core/transitions.ts";
import { A, B, feed, fresh, frame } from "./fixtures.ts";

const sends = (acts: Action[]) => acts.filter((a) => a.type === "SendHeartbeat" || a.type === "SendMessage");
const tick = (now: number): Input => ({ kind: "tick", now });
/** b, lower-ranked, ACTIVE after a's STANDBY (echoed); then a claims ACTIVE too, echoing b: b must self-fence. */
const dualActiveLow = () => feed(fresh(B, A), [frame(10, "STANDBY", { node: "a", seq: 1 }), tick(20)]).s;

const cases: [string, () => CoreState, Input][] = [
  ["a second ACTIVE that outranks this node", dualActiveLow, frame(100, "ACTIVE", { node: "a", seq: 2 })],
  ["the peer's fence-request", dualActiveLow, frame(100, "STANDBY", { node: "a", seq: 2, type: "fence-request" })],
  [
    "a fresh poison pill",
    dualActiveLow,
    { kind: "pill", now: 100, present: true, fresh: true, detail: "reset from a" },
  ],
];

for (const [why, given, input] of cases) {
  test(`self-fence on ${why}: the SelfFence goes out, and no frame in that step or after`, () => {
    const s0 = given();
    assert.is(s0.role, "ACTIVE");
    const r = step(s0, input);
    assert.is(r.actions.filter((a) => a.type === "SelfFence").length, 1, "one SelfFence");
    assert.equal(
      sends(r.actions),
      [],
      "nothing sent in the self-fence's step (the old core sent STOPPED right after it)",
    );
    // The kernel refused the reset: time goes on, frames keep coming, an admin asks for a takeover.
    const later = feed(r.state, [
      tick(150),
      frame(200, "STANDBY", { node: "a", seq: 3 }),
      tick(5000),
      { kind: "takeover", now: 5100 },
      tick(20000),
    ]);
    assert.equal(sends(later.all), [], "silent on every link from then on");
    assert.not.ok(
      later.all.some((a) => a.type === "ContinueBoot" || a.type === "FencePeer"),
      "decides nothing",
    );
  });
}

test("the peer never hears STOPPED from a node whose reset was refused, so it never takes over without a fence", () => {
  // a (STANDBY, outranked) watches b; b self-fences, its reset refused. a may go ACTIVE only through a fence.
  let b = dualActiveLow();
  let a = feed(fresh(A, B), [frame(10, "ACTIVE", { node: "b", seq: 1 })]).s;
  assert.is(a.role, "STANDBY");
  const r = step(b, frame(100, "ACTIVE", { node: "a", seq: 2 }));
  b = r.state;
  let seq = 1;
  for (let t = 100; t <= 3000; t += 100) {
    const out = step(b, tick(t));
    b = out.state;
    for (const s of sends([...r.actions, ...out.actions])) {
      seq += 1;
      a = step(a, frame(t, b.role, { node: "b", seq, type: s.type === "SendMessage" ? s.message : "heartbeat" })).state;
    }
    a = step(a, tick(t)).state;
    assert.is.not(a.role, "ACTIVE", `a at ${t} ms: ACTIVE without a fence`);
  }
  assert.is(a.role, "FENCING", "a declared the silent b dead and fences it");
});

test("a refused reset is tried again every SELF_FENCE_RETRY_MS, still silent", () => {
  const r = step(dualActiveLow(), frame(100, "ACTIVE", { node: "a", seq: 2 }));
  const later = feed(r.state, [
    tick(100 + SELF_FENCE_RETRY_MS / 2),
    tick(100 + SELF_FENCE_RETRY_MS),
    tick(100 + 2 * SELF_FENCE_RETRY_MS),
  ]);
  assert.is(later.all.filter((a) => a.type === "SelfFence").length, 2);
  assert.ok(later.all.some((a) => a.type === "Log" && a.event === "self-fence-retry"));
  assert.equal(sends(later.all), []);
});

test("a planned stop still announces STOPPED (only a self-fence is silent)", () => {
  const r = step(dualActiveLow(), { kind: "stop", now: 100, reason: "switchover" });
  assert.is(r.state.role, "STOPPED");
  assert.equal(
    sends(r.actions).map((a) => a.type),
    ["SendHeartbeat"],
  );
});

test("dual ACTIVE: the winner fences the loser (whose reset may be refused and who may still write), and retries until confirmed", () => {
  let a = feed(fresh(A, B), [frame(10, "STANDBY", { node: "b", seq: 1 }), tick(20)]).s;
  assert.is(a.role, "ACTIVE");
  const ra = step(a, frame(100, "ACTIVE", { node: "b", seq: 2 }));
  a = ra.state;
  assert.is(a.role, "ACTIVE", "the winner stays ACTIVE");
  assert.is(ra.actions.filter((x) => x.type === "FencePeer").length, 1, "and fences the second ACTIVE at once");
  assert.is(a.fence.target, 7, "aimed at the loser's boot");
  // The fence fails; the loser has gone silent (its reset refused): tried again after fenceRetry.
  const failed = feed(a, [
    { kind: "fence-result", now: 200, ok: false, device: "qmp", detail: "no answer" },
    tick(300),
    tick(200 + a.timers.fenceRetry),
  ]);
  assert.is(failed.s.role, "ACTIVE");
  assert.is(failed.all.filter((x) => x.type === "FencePeer").length, 1, "retried once fenceRetry has passed");
  const done = feed(failed.s, [
    { kind: "fence-result", now: 3000, ok: true, device: "qmp", detail: "reset" },
    tick(3100),
    tick(9000),
  ]);
  assert.is(done.s.fence.fencedIncarnation, 7, "that boot is retired");
  assert.is(done.all.filter((x) => x.type === "FencePeer").length, 0, "no fence after the confirmation");
  assert.is(done.s.role, "ACTIVE");
});

test("dual ACTIVE: the lower-ranked node self-fences and does not fence its peer", () => {
  const r = step(dualActiveLow(), frame(100, "ACTIVE", { node: "a", seq: 2 }));
  assert.is(r.actions.filter((x) => x.type === "FencePeer").length, 0);
});

test.run();
