// The receiver: genuine frames become core inputs; everything else is a counted rejection.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { answerPayload, FrameBuilder, gracePayload, readAnswer, readGrace } from "../../src/node/frames.ts";
import { MAX_PAYLOAD } from "../../src/protocol/index.ts";
import { Receiver } from "../../src/node/frames.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";

const key = new Uint8Array(64).fill(3);
const clusterId = clusterIdOf("t");
const mkRx = (myInc = 500) => {
  const seen: number[] = [];
  return {
    rx: new Receiver({ key, clusterId, self: "a", peer: "b", myIncarnation: myInc }, (i) => void seen.push(i)),
    seen,
  };
};
const peer = (inc = 900) => new FrameBuilder({ key, clusterId, node: "b", incarnation: inc });

test("a genuine heartbeat becomes a frame input and teaches the peer's incarnation", () => {
  const { rx, seen } = mkRx();
  const r = rx.accept(peer().build("heartbeat", "ACTIVE"), "udp", 42);
  assert.equal(r, {
    kind: "frame",
    now: 42,
    channel: "udp",
    node: "b",
    type: "heartbeat",
    role: "ACTIVE",
    incarnation: 900,
    seq: 1,
    echo: false,
  });
  assert.equal(seen, [900]);
});

test("a frame echoes this boot only when it carries this node's current incarnation", () => {
  const { rx } = mkRx(500);
  const b = peer();
  b.peerIncarnation = 499;
  assert.is((rx.accept(b.build("heartbeat", "STANDBY"), "udp", 1) as { echo?: boolean }).echo, false);
  b.peerIncarnation = 500;
  assert.is((rx.accept(b.build("heartbeat", "STANDBY"), "udp", 2) as { echo?: boolean }).echo, true);
});

test("the same frame on two links counts on each; twice on one link is a replay", () => {
  const { rx } = mkRx();
  const f = peer().build("heartbeat", "STANDBY");
  assert.is(rx.accept(f, "udp", 1).kind, "frame");
  assert.is(rx.accept(f, "serial", 1).kind, "frame");
  assert.is(rx.accept(f, "udp", 2).kind, "rejected");
  assert.is(rx.rejected.udp!.replay, 1);
});

test("frames with consequences must echo this node's incarnation", () => {
  const { rx } = mkRx(500);
  const b = peer();
  assert.is(rx.accept(b.build("fence-request", "STANDBY"), "udp", 1).kind, "rejected");
  assert.is(rx.rejected.udp!["no-echo"], 1);
  b.peerIncarnation = 500;
  const ok = rx.accept(b.build("handoff-grace", "ACTIVE", gracePayload(7000)), "udp", 2);
  assert.is(ok.kind, "frame");
  assert.is((ok as { graceMs?: number }).graceMs, 7000);
});

test("forged, foreign and garbage bytes are counted by kind", () => {
  const { rx } = mkRx();
  const forged = new FrameBuilder({ key: new Uint8Array(64).fill(9), clusterId, node: "b", incarnation: 1 }).build(
    "heartbeat",
    "ACTIVE",
  );
  const foreign = new FrameBuilder({ key, clusterId: clusterIdOf("other"), node: "b", incarnation: 1 }).build(
    "heartbeat",
    "ACTIVE",
  );
  const own = new FrameBuilder({ key, clusterId, node: "a", incarnation: 1 }).build("heartbeat", "ACTIVE");
  for (const bytes of [forged, foreign, own, new Uint8Array([1, 2, 3])])
    assert.is(rx.accept(bytes, "serial", 1).kind, "rejected");
  assert.equal(rx.rejected.serial, {
    malformed: 1,
    "unsupported-version": 0,
    "foreign-cluster": 1,
    "bad-auth": 1,
    replay: 1,
    "no-echo": 0,
  });
});

test("grace payloads round trip and malformed ones read as null", () => {
  assert.is(readGrace(gracePayload(15000)), 15000);
  assert.is(readGrace(new Uint8Array(3)), null);
});

test("takeover requests and answers must echo this boot; an answer's body reaches the core", () => {
  const { rx } = mkRx(500);
  const b = peer();
  assert.is(
    rx.accept(b.build("takeover-request", "STANDBY"), "udp", 1).kind,
    "rejected",
    "a request that does not echo (a replay) is dropped",
  );
  assert.is(
    rx.accept(b.build("takeover-answer", "ACTIVE", answerPayload({ ok: true, detail: "x" })), "udp", 2).kind,
    "rejected",
  );
  assert.is(rx.rejected.udp!["no-echo"], 2);
  b.peerIncarnation = 500;
  const r = rx.accept(
    b.build("takeover-answer", "STOPPED", answerPayload({ ok: true, detail: "shared root frozen" })),
    "udp",
    3,
  );
  assert.is(r.kind, "frame");
  assert.equal((r as { answer?: unknown }).answer, { ok: true, detail: "shared root frozen" });
});

test("answer payloads fit a frame and unreadable ones read as a refusal that says so", () => {
  const long = answerPayload({ ok: false, detail: "é".repeat(4000) });
  assert.ok(long.length <= MAX_PAYLOAD, `${long.length} bytes`);
  const back = readAnswer(long);
  assert.is(back.ok, false);
  assert.ok(back.detail.endsWith("..."), back.detail.slice(-10));
  assert.equal(readAnswer(new TextEncoder().encode('{"ok":"yes"}')), {
    ok: false,
    detail: 'unreadable answer (12 bytes; expected {"ok":boolean,"detail":string})',
  });
  assert.is(readAnswer(new Uint8Array([0xff, 0xfe])).ok, false);
});

test("a later boot of this node echoed by the peer's newest frame, before the peer heard this boot, is reported once", () => {
  const behind: number[] = [];
  const rx = new Receiver(
    { key, clusterId, self: "a", peer: "b", myIncarnation: 500 },
    () => {},
    (e) => void behind.push(e),
  );
  const b = peer();
  b.peerIncarnation = 800; // the peer remembers boot 800 of this node: the clock stepped back since
  const older = b.build("heartbeat", "ACTIVE");
  const newer = b.build("heartbeat", "ACTIVE");
  rx.accept(newer, "udp", 1);
  assert.equal(behind, [800]);
  rx.accept(older, "serial", 2);
  assert.equal(behind, [800], "an older frame (serial lags, or a capture) moves nothing");
});

test("once the peer echoes the running boot, a frame echoing a later one (a capture from before) moves nothing", () => {
  const behind: number[] = [];
  const rx = new Receiver(
    { key, clusterId, self: "a", peer: "b", myIncarnation: 500 },
    () => {},
    (e) => void behind.push(e),
  );
  const b = peer();
  b.peerIncarnation = 500;
  rx.accept(b.build("heartbeat", "ACTIVE"), "udp", 1);
  b.peerIncarnation = 800;
  rx.accept(b.build("heartbeat", "ACTIVE"), "udp", 2);
  assert.equal(behind, []);
});

test.run();
