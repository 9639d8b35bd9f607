// Frames from one peer over several links arrive out of order (serial lags UDP): the sequence number decides
// which role is current, and a frame from the peer's earlier boot says nothing at all.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Action } from "../../src/core/index.ts";
import { A, B, feed, fresh, frame } from "./fixtures.ts";

const logs = (acts: Action[], ev: string) => acts.filter((a) => a.type === "Log" && a.event === ev);
// b, lower-ranked, parked beside ACTIVE a (seq 1..3 on UDP).
const standbyB = () =>
  feed(
    fresh(B, A),
    [1, 2, 3].map((n) => frame(n * 10, "ACTIVE", { node: "a", seq: n })),
  ).s;

test("a STOPPED on UDP, then an older ACTIVE frame on serial: the new ACTIVE stays ACTIVE, no false dual ACTIVE", () => {
  const { s, all } = feed(standbyB(), [
    frame(100, "STOPPED", { node: "a", seq: 10 }),
    frame(105, "ACTIVE", { node: "a", seq: 9, channel: "serial" }),
    { kind: "tick", now: 300 },
  ]);
  assert.is(s.role, "ACTIVE", "took over on the STOPPED");
  assert.is(s.peerView.role, "STOPPED", "the overtaken frame did not bring the old role back");
  assert.is(all.filter((a) => a.type === "SelfFence").length, 0, "no self-fence");
  assert.is(logs(all, "dual-active").length, 0);
});

test("without sequence numbers the same order would have looked like a second ACTIVE (the case this guards against)", () => {
  const { all } = feed(standbyB(), [
    frame(100, "STOPPED", { node: "a", seq: undefined }),
    frame(105, "ACTIVE", { node: "a", seq: undefined, channel: "serial" }),
  ]);
  assert.is(all.filter((a) => a.type === "SelfFence").length, 1, "lower-ranked b self-fences beside an ACTIVE a");
});

test("an overtaken frame still proves its link alive", () => {
  const s0 = feed(standbyB(), [frame(4000, "ACTIVE", { node: "a", seq: 50 })]).s;
  assert.ok(s0.channels.serial!.dead, "serial silent since start");
  const { s, all } = feed(s0, [frame(4010, "ACTIVE", { node: "a", seq: 49, channel: "serial" })]);
  assert.not.ok(s.channels.serial!.dead);
  assert.is(s.channels.serial!.lastHeard, 4010);
  assert.is(logs(all, "link-restored").length, 1);
});

test("a copy of the newest frame held back and delivered late on another link does not put the peer's death off (row 18.4)", () => {
  // a's last frame (seq 3) came on UDP at 30; an attacker dropped its serial copy and replays it at 1900, inside
  // deadtime (2000): it is authentic and new to the serial link, yet a must still be dead at 30 + deadtime.
  const late = frame(1900, "ACTIVE", { node: "a", seq: 3, channel: "serial" });
  const { s, all } = feed(standbyB(), [late, { kind: "tick", now: 2031 }, { kind: "tick", now: 2100 }]);
  assert.is(s.peerView.lastHeard, 30, "the copy refreshed nothing about the peer");
  assert.is(s.channels.serial!.lastHeard, 1900, "it still counts for its own link");
  assert.ok(logs(all, "peer-dead").length === 1, "declared dead at deadtime after the last new frame");
});

test("the slot's copy of a seq does not hide the cable frame of that seq: a hand-over grace read second is granted (row 18.6)", () => {
  // a releases its links: handoff-grace as seq 3 on the cables and its slot (seq 3) written at once; b's disk poll
  // reads the slot before the serial frame arrives. The slot stands in for seq 3 as a plain heartbeat only.
  const disk = (now: number, seq: number) => frame(now, "ACTIVE", { node: "a", seq, channel: "disk", echo: false });
  const s0 = feed(fresh(B, A, 0, ["serial", "udp", "disk"]), [
    frame(10, "ACTIVE", { node: "a", seq: 1 }),
    frame(100, "ACTIVE", { node: "a", seq: 2 }),
    disk(110, 2),
  ]).s;
  const grace = frame(205, "ACTIVE", { node: "a", seq: 3, type: "handoff-grace", graceMs: 6000, channel: "serial" });
  const { s, all } = feed(s0, [
    disk(200, 3),
    grace,
    { kind: "tick", now: 200 + 2100 },
    { kind: "tick", now: 200 + 5000 },
  ]);
  assert.is(s.peerView.graceCount, 1, "the grace was granted");
  assert.is(s.role, "STANDBY", "no fence of a node handing over");
  assert.is(all.filter((a) => a.type === "FencePeer").length, 0);
  // The next copy of seq 3 (UDP) is a copy again: overtaken.
  const { s: s2 } = feed(s, [frame(5100, "ACTIVE", { node: "a", seq: 3, type: "handoff-grace", graceMs: 6000 })]);
  assert.is(s2.peerView.graceCount, 1, "counted once");
});

test("a frame from the peer's earlier boot, after its new boot was heard, changes nothing", () => {
  const s0 = feed(standbyB(), [frame(100, "BOOTING", { node: "a", incarnation: 8, seq: 1 })]).s;
  const { s, all } = feed(s0, [frame(110, "ACTIVE", { node: "a", incarnation: 7, seq: 99, channel: "serial" })]);
  assert.is(s.peerView.incarnation, 8);
  assert.is(s.peerView.role, "BOOTING");
  assert.is(logs(all, "peer-restarted").length, 0);
  assert.is(s.channels.serial!.lastHeard, null, "old buffered bytes prove nothing about the link now");
});

test("a new boot of the peer restarts the order: its low sequence numbers count", () => {
  const s0 = feed(standbyB(), [frame(100, "ACTIVE", { node: "a", seq: 500 })]).s;
  const { s } = feed(s0, [
    frame(200, "BOOTING", { node: "a", incarnation: 8, seq: 1 }),
    frame(210, "STANDBY", { node: "a", incarnation: 8, seq: 2 }),
  ]);
  assert.is(s.peerView.role, "STANDBY");
  assert.is(s.peerView.lastSeq, 2);
});

test.run();
