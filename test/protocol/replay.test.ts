import { test } from "uvu";
import * as assert from "uvu/assert";
import { ReplayGuard } from "../../src/protocol/replay.ts";
import type { ReplayVerdict } from "../../src/protocol/replay.ts";

const INC = 1_700_000_000_000;
const guard = (): ReplayGuard => new ReplayGuard({ self: "node-a", peers: ["node-b"] });
const from = (seq: number, incarnation = INC, node = "node-b") => ({ node, incarnation, seq });

function expectReplay(verdict: ReplayVerdict, pattern: RegExp): void {
  if (verdict.kind !== "replay") throw new Error(`expected replay, got ${JSON.stringify(verdict)}`);
  assert.match(verdict.reason, pattern);
}

test("the first frame from a peer is accepted, and so are increasing seqs", () => {
  const g = guard();
  for (const seq of [5, 6, 7, 100, 1000]) assert.equal(g.check(from(seq)), { kind: "ok" });
  assert.equal(g.counters, { replay: 0, "foreign-cluster": 0 });
});

test("a duplicate seq is a replay", () => {
  const g = guard();
  g.check(from(10));
  expectReplay(g.check(from(10)), /duplicate seq 10 from node-b/);
  g.check(from(11));
  expectReplay(g.check(from(10)), /duplicate seq 10/);
});

test("out-of-order seqs within the 64-entry window are accepted once each", () => {
  const g = guard();
  assert.equal(g.check(from(100)), { kind: "ok" });
  for (const seq of [99, 37, 60, 98]) assert.equal(g.check(from(seq)), { kind: "ok" }, `seq ${seq}`);
  for (const seq of [99, 37, 60, 98]) expectReplay(g.check(from(seq)), /duplicate/);
});

test("a seq 64 or more below the highest is too old", () => {
  const g = guard();
  g.check(from(100));
  expectReplay(g.check(from(36)), /seq too old from node-b: expected above 36, got 36/);
  expectReplay(g.check(from(0)), /too old/);
});

test("the window slides: seqs seen before a jump stay duplicates, those pushed out become too old", () => {
  const g = guard();
  g.check(from(10));
  g.check(from(12));
  g.check(from(40));
  expectReplay(g.check(from(12)), /duplicate/);
  assert.equal(g.check(from(11)), { kind: "ok" });
  g.check(from(80));
  expectReplay(g.check(from(12)), /too old/);
  g.check(from(80 + 1000));
  expectReplay(g.check(from(80)), /too old/);
  assert.equal(g.check(from(80 + 999)), { kind: "ok" });
});

test("a lower incarnation than known is a replay", () => {
  const g = guard();
  g.check(from(5, INC + 1));
  expectReplay(
    g.check(from(500, INC)),
    /stale incarnation from node-b: expected at least 1700000000001, got 1700000000000/,
  );
});

test("a higher incarnation (the peer rebooted) is accepted and resets the window", () => {
  const g = guard();
  g.check(from(1000));
  assert.equal(g.check(from(1, INC + 5000)), { kind: "ok" });
  assert.equal(g.check(from(2, INC + 5000)), { kind: "ok" });
  expectReplay(g.check(from(1, INC + 5000)), /duplicate/);
  expectReplay(g.check(from(1001, INC)), /stale incarnation/);
});

test("a node's own frame reflected back is a replay", () => {
  const g = guard();
  expectReplay(g.check(from(1, INC, "node-a")), /own frame reflected: sender is this node \(node-a\)/);
});

test("a frame from a node that is not a configured peer is foreign-cluster", () => {
  const g = guard();
  assert.equal(g.check(from(1, INC, "node-x")), {
    kind: "foreign-cluster",
    reason: "unknown node node-x: expected one of node-b",
  });
});

test("rejections are counted by kind in a plain object", () => {
  const g = guard();
  g.check(from(1));
  g.check(from(1));
  g.check(from(1, INC, "node-a"));
  g.check(from(1, INC, "intruder"));
  assert.equal(g.counters, { replay: 2, "foreign-cluster": 1 });
  assert.equal(Object.getPrototypeOf(g.counters), Object.prototype);
});

test("peers are tracked independently", () => {
  const g = new ReplayGuard({ self: "a", peers: ["b", "c"] });
  assert.equal(g.check(from(7, INC, "b")), { kind: "ok" });
  assert.equal(g.check(from(7, INC, "c")), { kind: "ok" });
  expectReplay(g.check(from(7, INC, "c")), /duplicate seq 7 from c/);
});

test("seqs near Number.MAX_SAFE_INTEGER are handled exactly", () => {
  const g = guard();
  const top = Number.MAX_SAFE_INTEGER;
  assert.equal(g.check(from(top - 1)), { kind: "ok" });
  assert.equal(g.check(from(top)), { kind: "ok" });
  expectReplay(g.check(from(top - 1)), /duplicate/);
  assert.equal(g.check(from(top - 63)), { kind: "ok" });
  expectReplay(g.check(from(top - 64)), /too old/);
});

test("a guard restored from a predecessor's memory refuses what the predecessor accepted, and only that", () => {
  const g = guard();
  for (const seq of [10, 12, 13, 40]) g.check(from(seq));
  const next = guard();
  next.restore(JSON.parse(JSON.stringify(g.save())));
  for (const seq of [10, 12, 13, 40]) expectReplay(next.check(from(seq)), /duplicate/);
  assert.equal(next.check(from(11)), { kind: "ok" }, "a seq the predecessor never saw is still fresh");
  expectReplay(next.check(from(40 - 64)), /too old/);
  expectReplay(next.check(from(5, INC - 1)), /stale incarnation/);
  assert.equal(next.check(from(41)), { kind: "ok" });
});

test("a restored memory ignores senders that are not peers", () => {
  const next = guard();
  next.restore({ intruder: { incarnation: INC, top: 99, seen: "1" } });
  assert.equal(next.save(), {});
});

test("a retired boot is refused whatever its seq; a later boot is accepted", () => {
  const g = guard();
  g.check(from(5));
  g.retire("node-b", INC);
  expectReplay(g.check(from(6)), /too old|duplicate/);
  expectReplay(g.check(from(Number.MAX_SAFE_INTEGER)), /duplicate/);
  expectReplay(g.check(from(1, INC - 1)), /stale incarnation/);
  assert.equal(g.check(from(1, INC + 1)), { kind: "ok" });
});

test("retiring an older boot than the one running changes nothing", () => {
  const g = guard();
  g.check(from(5, INC + 1));
  g.retire("node-b", INC);
  assert.equal(g.check(from(6, INC + 1)), { kind: "ok" });
});

test.run();
