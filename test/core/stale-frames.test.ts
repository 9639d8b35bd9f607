// Authentic frames that are not the peer's word about now: an earlier boot's ACTIVE replayed, a fenced boot's
// frames, a request overtaken by newer frames. Each may change counters and logs, never what the node does.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Action, Input } from "../../src/core/index.ts";
import { A, B, feed, fresh, frame } from "./fixtures.ts";

const tick = (now: number): Input => ({ kind: "tick", now });
const types = (acts: Action[]) => acts.map((a) => a.type);
const count = (acts: Action[], t: string) => acts.filter((a) => a.type === t).length;

/** b, lower-ranked, booted alone: a never heard, fenced at start, b ACTIVE (a powered off for good). */
function bActiveAfterFencingA(aIncarnation: number | null) {
  const s0 = fresh(B, A, 0);
  const heard =
    aIncarnation === null ? [] : [frame(10, "ACTIVE", { node: "a", incarnation: aIncarnation, seq: 5, echo: true })];
  const s1 = feed({ ...s0, timers: { ...s0.timers, waitForAll: false } }, [...heard, tick(20000)]).s;
  assert.is(s1.role, "FENCING");
  const s2 = feed(s1, [
    tick(20000 + s1.timers.fenceDelay),
    { kind: "fence-result", now: 30010, ok: true, device: "qmp", detail: "reset" },
  ]).s;
  assert.is(s2.role, "ACTIVE");
  return s2;
}

test("one replayed ACTIVE frame of the peer's old boot (not echoing this boot) does not reset an ACTIVE node", () => {
  const b = bActiveAfterFencingA(null);
  const { s, all } = feed(b, [
    frame(30100, "ACTIVE", { node: "a", incarnation: 3, seq: 900, echo: false }),
    tick(30200),
    tick(31000),
  ]);
  assert.is(count(all, "SelfFence"), 0, `actions: ${types(all)}`);
  assert.is(s.role, "ACTIVE");
});

test("a real second ACTIVE that hears this node (echoes its boot) still resets the lower-ranked one", () => {
  const b = bActiveAfterFencingA(null);
  const { all } = feed(b, [frame(30100, "ACTIVE", { node: "a", incarnation: 40, seq: 1, echo: true })]);
  assert.is(count(all, "SelfFence"), 1);
});

test("after a confirmed fence, frames of the fenced boot are ignored, even echoing this boot with newer seqs", () => {
  const b = bActiveAfterFencingA(7);
  assert.is(b.fence.fencedIncarnation, 7);
  const { s, all } = feed(b, [frame(30100, "ACTIVE", { node: "a", incarnation: 7, seq: 50, echo: true }), tick(30200)]);
  assert.is(count(all, "SelfFence"), 0, "the fenced boot's ACTIVE changes nothing");
  assert.is(s.peerView.lastHeard, null, "nor makes the fenced peer look alive");
  assert.is(s.rejected, b.rejected + 1, "it is counted");
});

test("the fenced peer's next boot is heard as usual", () => {
  const b = bActiveAfterFencingA(7);
  const { s } = feed(b, [frame(30100, "BOOTING", { node: "a", incarnation: 8, seq: 1, echo: false })]);
  assert.is(s.peerView.incarnation, 8);
  assert.is(s.peerView.role, "BOOTING");
});

test("a takeover request overtaken by a newer frame triggers nothing (a capture replayed after the window is lost)", () => {
  // a ACTIVE beside STANDBY b; b's heartbeats up to seq 40 heard; then an old takeover-request (seq 12) arrives.
  const a = feed(fresh(A, B), [frame(10, "STANDBY", { seq: 1 })]).s;
  assert.is(a.role, "ACTIVE");
  const a2 = feed(a, [frame(100, "STANDBY", { seq: 40 })]).s;
  const { all } = feed(a2, [frame(110, "STANDBY", { seq: 12, type: "takeover-request" })]);
  assert.is(count(all, "HandOver"), 0, `actions: ${types(all)}`);
  // The same request as the newest frame is honoured.
  const fresh2 = feed(a2, [frame(120, "STANDBY", { seq: 41, type: "takeover-request" })]);
  assert.is(count(fresh2.all, "HandOver"), 1);
});

test("an overtaken fence-request does not reset the node", () => {
  const a = feed(fresh(A, B), [frame(10, "STANDBY", { seq: 1 }), frame(100, "STANDBY", { seq: 40 })]).s;
  const { all, s } = feed(a, [frame(110, "STANDBY", { seq: 30, type: "fence-request" })]);
  assert.is(count(all, "SelfFence"), 0);
  assert.is(s.role, "ACTIVE");
});

test("a fence's confirmation retires the boot it was aimed at, not the victim's new boot heard while a slow level waited", () => {
  const t0 = 100;
  let r = feed(fresh(A, B), [frame(t0, "ACTIVE", { incarnation: 7, seq: 50 }), tick(t0 + 2000)]);
  assert.ok(
    r.all.some((x) => x.type === "FencePeer"),
    "a fences b",
  );
  r = feed(r.s, [frame(t0 + 3000, "BOOTING", { incarnation: 8, seq: 1, echo: false })]);
  assert.is(r.s.peerView.incarnation, 8);
  r = feed(r.s, [
    { kind: "fence-result", now: t0 + 3500, ok: true, device: "poison-pill", detail: "pill sat for msgwait" },
  ]);
  assert.is(r.s.role, "ACTIVE");
  assert.is(r.s.fence.fencedIncarnation, 7, "the boot that was fenced is 7");
  r = feed(r.s, [frame(t0 + 4000, "STANDBY", { incarnation: 8, seq: 2 })]);
  assert.is(r.s.peerView.role, "STANDBY", "b's live new boot is heard");
});

test.run();
