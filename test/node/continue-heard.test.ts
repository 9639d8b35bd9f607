// A process that continues this boot's links starts from what its predecessor knew: the boot it heard, the boot it
// fenced, and a second ACTIVE it had not fenced yet.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Action, initialState, resumedActive } from "../../src/core/index.ts";
import { continueHeard } from "../../src/node/runtime.ts";
import { A, B, feed, TIMERS } from "../core/fixtures.ts";

const tick = (now: number) => ({ kind: "tick" as const, now });
const fences = (all: Action[]) => all.filter((x) => x.type === "FencePeer").length;
const none = { fenced: null, peerIncarnation: null, peerSeq: null, secondActive: null };

test("a successor of an ACTIVE that had not yet fenced a second ACTIVE it outranks fences it at once, until confirmed", () => {
  const s0 = resumedActive({
    now: 0,
    self: A,
    peer: B,
    timers: TIMERS,
    channels: ["serial", "udp"],
    peer0: { role: "ACTIVE", incarnation: 7 },
  });
  const s = continueHeard(s0, { ...none, peerIncarnation: 7, peerSeq: 40, secondActive: 7 }, 0);
  const r = feed(s, [tick(10)]);
  assert.is(fences(r.all), 1, "fenced at once");
  assert.is(r.s.fence.target, 7);
  const later = feed(r.s, [
    { kind: "fence-result", now: 100, ok: true, device: "ipmi", detail: "off" },
    tick(200),
    tick(60_000),
  ]);
  assert.is(later.s.fence.fencedIncarnation, 7);
  assert.is(fences(later.all), 0);
});

test("without a second ACTIVE to remember, a successor fences nothing", () => {
  const s0 = resumedActive({
    now: 0,
    self: A,
    peer: B,
    timers: TIMERS,
    channels: ["serial", "udp"],
    peer0: { role: "STANDBY", incarnation: 7 },
  });
  const r = feed(continueHeard(s0, { ...none, peerIncarnation: 7, peerSeq: 40 }, 0), [tick(10), tick(1000)]);
  assert.is(fences(r.all), 0);
});

test("a restarted guard that heard the peer in this boot judges its silence by deadtime, not as never heard", () => {
  const s0 = initialState({ now: 0, self: B, peer: A, timers: TIMERS, channels: ["serial", "udp"] });
  const s = continueHeard(s0, { ...none, peerIncarnation: 9, peerSeq: 3 }, 0);
  const r = feed(s, [tick(TIMERS.initdead + 10), tick(TIMERS.initdead + 20 + TIMERS.fenceDelay)]);
  assert.ok(fences(r.all) > 0, `fences the silent peer: ${r.s.role}`);
  assert.not.ok(r.all.some((a) => a.type === "Log" && a.event === "startup-fence-refused"));
});

test.run();
