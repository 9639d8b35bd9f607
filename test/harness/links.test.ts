// Two compiled guards on one host: one link lost and restored, floods of garbage, forged and replayed frames.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openSync, writeSync, closeSync } from "node:fs";
import { encodeFrame } from "../../src/protocol/index.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import { encodeSerial } from "../../src/protocol/index.ts";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";

const pair = new Pair(17920);
test.before(async () => {
  await pair.setup();
  const a = pair.start("a");
  const b = pair.start("b");
  await pair.until(() => a.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
});
test.after(() => pair.teardown());

const noFailover = () => {
  assert.is(pair.node("a").role, "ACTIVE");
  assert.is(pair.node("b").role, "STANDBY");
  assert.is(pair.node("b").find("peer-dead"), undefined, pair.describe());
  assert.is(pair.fenceCalls("b").length, 0);
};

test("cutting the Ethernet link alone gives a warning and no failover; healing restores it", async () => {
  const b = pair.node("b");
  const n = b.events.length;
  pair.relay.cut = true;
  await pair.until(
    () => b.events.slice(n).some((e) => e.event === "link-dead" && e.channel === "udp"),
    T.deadtime + 3000,
    "b: udp link dead",
  );
  await Bun.sleep(T.deadtime);
  noFailover();
  pair.relay.cut = false;
  await pair.until(
    () => b.events.slice(n).some((e) => e.event === "link-restored" && e.channel === "udp"),
    3000,
    "b: udp restored",
  );
  assert.ok(
    b.events.slice(n).some((e) => e.event === "link-late" && e.channel === "udp"),
    "a late warning came first",
  );
});

test("pulling the serial cable alone gives a warning and no failover; plugging it back recovers without a restart", async () => {
  const a = pair.node("a");
  const b = pair.node("b");
  const n = b.events.length;
  const pidA = a.proc.pid;
  await pair.cutSerial();
  await pair.until(
    () => b.events.slice(n).some((e) => e.event === "link-dead" && e.channel === "serial"),
    T.deadtime + 3000,
    "b: serial link dead",
  );
  assert.ok(
    b.events.slice(n).some((e) => e.event === "link-down" && e.channel === "serial"),
    "the device itself reported down",
  );
  await Bun.sleep(T.deadtime);
  noFailover();
  await pair.healSerial();
  await pair.until(
    () => b.events.slice(n).some((e) => e.event === "link-restored" && e.channel === "serial"),
    8000,
    "b: serial restored",
  );
  await pair.until(
    () => a.events.some((e) => e.event === "link-up" && e.channel === "serial"),
    8000,
    "a: serial up again",
  );
  assert.is(a.proc.pid, pidA, "same process");
  noFailover();
});

test("with serial and Ethernet both cut, the shared-disk heartbeat alone keeps the STANDBY from fencing", async () => {
  const b = pair.node("b");
  const n = b.events.length;
  pair.relay.cut = true;
  await pair.cutSerial();
  await pair.until(
    () => ["serial", "udp"].every((c) => b.events.slice(n).some((e) => e.event === "link-dead" && e.channel === c)),
    T.deadtime + 3000,
    "b: serial and udp dead",
  );
  await Bun.sleep(2 * T.deadtime);
  noFailover();
  const dead = b.events.slice(n).filter((e) => e.event === "link-dead");
  assert.match(String(dead.at(-1)?.message), /1 link\(s\) still carry heartbeats/);
  pair.relay.cut = false;
  await pair.healSerial();
  await pair.until(
    () => ["serial", "udp"].every((c) => b.events.slice(n).some((e) => e.event === "link-restored" && e.channel === c)),
    8000,
    "b: both restored",
  );
});

test("floods of garbage, forged, foreign and replayed frames on both links are counted and change nothing", async () => {
  const a = pair.node("a");
  const b = pair.node("b");
  const wrongKey = new Uint8Array(64).fill(7);
  const frame = (over: object, key: Uint8Array) =>
    encodeFrame(
      {
        type: "takeover",
        role: "STOPPED",
        flags: 0,
        clusterId: clusterIdOf("harness"),
        incarnation: Date.now() + 1e6,
        seq: 1,
        peerIncarnation: 0,
        node: "a",
        payload: new Uint8Array(0),
        ...over,
      },
      key,
    );
  const forged = frame({}, wrongKey);
  const foreign = frame({ clusterId: clusterIdOf("other") }, wrongKey);
  const replayed = pair.relay.captured.a.slice(0, 200);
  assert.ok(replayed.length >= 50, `captured ${replayed.length} genuine frames to replay`);
  const tty = openSync(pair.serial.a, "w");
  try {
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 25; i++) {
        pair.relay.inject("b", crypto.getRandomValues(new Uint8Array(1 + ((i * 37) % 200))));
        pair.relay.inject("b", forged);
        pair.relay.inject("b", foreign);
        pair.relay.inject("b", replayed[(round * 25 + i) % replayed.length]!);
      }
      writeSync(tty, crypto.getRandomValues(new Uint8Array(300)));
      writeSync(tty, encodeSerial(forged));
      writeSync(tty, encodeSerial(replayed[round]!));
      await Bun.sleep(20);
    }
  } finally {
    closeSync(tty);
  }
  await Bun.sleep(T.deadtime);
  const s = (await b.stats()) as unknown as {
    rejected: Record<string, Record<string, number>>;
    links: Record<string, { dropped: number }>;
  };
  const udp = s.rejected.udp!;
  const serial = s.rejected.serial!;
  // 500 of each kind were sent; a flood may overflow the socket buffer, so allow a few to be lost on the way.
  assert.ok(udp["bad-auth"]! >= 450, `udp bad-auth ${udp["bad-auth"]}`);
  assert.ok(udp["foreign-cluster"]! >= 450, `udp foreign ${udp["foreign-cluster"]}`);
  assert.ok(udp.replay! >= 450, `udp replay ${udp.replay}`);
  assert.ok(udp.malformed! >= 400, `udp malformed ${udp.malformed}`);
  assert.ok(serial["bad-auth"]! >= 15 && serial.replay! >= 15, JSON.stringify(serial));
  assert.ok(s.links.serial!.dropped > 0, "serial garbage dropped by the deframer");
  noFailover();
  assert.equal(b.roles(), ["STANDBY"], "b's role never moved");
  assert.ok(a.role === "ACTIVE" && !a.find("self-fence"));
});

test.run();
