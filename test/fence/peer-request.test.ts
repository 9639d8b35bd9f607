// The peer-request level: refused at once for a silent peer; repeated until the peer is heard from a new boot.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { FenceContext } from "../../src/fence/device.ts";
import { PeerRequestFence } from "../../src/fence/peer-request.ts";
import { realClock } from "../../src/sys/clock.ts";

function ctx(over: Partial<FenceContext>, sent: string[]): FenceContext {
  return {
    self: "a",
    clock: realClock,
    selfIncarnation: () => 1,
    peerIncarnation: () => 100,
    peerSilentMs: () => 50,
    disk: null,
    send: (t) => void sent.push(t),
    ...over,
  };
}

test("a peer silent for deadtime (or never heard) is refused without sending anything", async () => {
  for (const silent of [5000, null]) {
    const sent: string[] = [];
    const r = await new PeerRequestFence({ ctx: ctx({ peerSilentMs: () => silent }, sent), deadtimeMs: 5000 }).fence(
      "b",
      "reset",
      AbortSignal.timeout(1000),
    );
    assert.is(r.confirmed, false);
    assert.match(r.detail, /silent on every link/);
    assert.equal(sent, []);
  }
});

test("the request repeats until the peer is heard under a new incarnation, which confirms it", async () => {
  const sent: string[] = [];
  let inc = 100;
  const c = ctx(
    {
      peerIncarnation: () => inc,
      send: (t) => void (sent.push(t), sent.length === 3 && (inc = 0), sent.length === 5 && (inc = 200)),
    },
    sent,
  );
  const r = await new PeerRequestFence({ ctx: c, deadtimeMs: 5000, repeatMs: 5 }).fence(
    "b",
    "reset",
    AbortSignal.timeout(2000),
  );
  assert.ok(r.confirmed, r.detail);
  assert.match(r.detail, /incarnation 100 -> 200/);
  assert.is(sent.length, 5);
  assert.ok(sent.every((t) => t === "fence-request"));
});

test("a peer that never comes back is not confirmed: silence proves nothing", async () => {
  const sent: string[] = [];
  const r = await new PeerRequestFence({ ctx: ctx({}, sent), deadtimeMs: 5000, repeatMs: 5 }).fence(
    "b",
    "reset",
    AbortSignal.timeout(100),
  );
  assert.is(r.confirmed, false);
  assert.ok(sent.length > 3);
});

test.run();
