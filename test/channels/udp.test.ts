// The UDP link on real sockets: unicast exchange, sender filtering, interface and address changes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ChannelSink } from "../../src/channels/channel.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UdpChannel } from "../../src/channels/udp.ts";
import { makeVeth } from "../helpers/netns.ts";
import { waitFor } from "../helpers/wait.ts";

const PORT = 17694;

function recorder() {
  const frames: Uint8Array[] = [];
  const health: string[] = [];
  const sink: ChannelSink = {
    frame: (b) => void frames.push(b),
    health: (_c, up, d) => void health.push(`${up ? "up" : "down"}: ${d}`),
  };
  return { frames, health, sink };
}

test("frames sent to the peer's address arrive intact at the peer", async () => {
  const ra = recorder();
  const rb = recorder();
  const a = new UdpChannel({ localAddress: "127.0.0.1", peerAddress: "127.0.0.2", port: PORT });
  const b = new UdpChannel({ localAddress: "127.0.0.2", peerAddress: "127.0.0.1", port: PORT });
  await a.start(ra.sink);
  await b.start(rb.sink);
  try {
    const sent = Array.from({ length: 50 }, (_, i) => new Uint8Array([i, 0, 255, (i * 3) & 255]));
    for (const f of sent) a.send(f);
    await waitFor(() => rb.frames.length === 50, 2000, "50 frames at b");
    assert.equal(rb.frames, sent);
    assert.is(a.stats().framesOut, 50);
    assert.is(b.stats().framesIn, 50);
    assert.ok(ra.health[0]?.startsWith("up"), ra.health.join("; "));
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("datagrams from any other sender are dropped and counted", async () => {
  const rb = recorder();
  const b = new UdpChannel({ localAddress: "127.0.0.2", peerAddress: "127.0.0.1", port: PORT + 1 });
  await b.start(rb.sink);
  const intruder = await Bun.udpSocket({ hostname: "127.0.0.3", port: PORT + 1 });
  const wrongPort = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
  try {
    for (let i = 0; i < 10; i++) intruder.send(new Uint8Array([1, 2, 3]), PORT + 1, "127.0.0.2");
    for (let i = 0; i < 5; i++) wrongPort.send(new Uint8Array([1, 2, 3]), PORT + 1, "127.0.0.2");
    await waitFor(() => b.stats().dropped === 15, 2000, "15 drops");
    assert.is(rb.frames.length, 0);
  } finally {
    intruder.close();
    wrongPort.close();
    await b.stop();
  }
});

test("an address that is not configured reports the link down, and binding is retried", async () => {
  const r = recorder();
  const ch = new UdpChannel({
    localAddress: "10.213.250.1",
    peerAddress: "10.213.250.2",
    port: PORT,
    retryMinMs: 20,
    retryMaxMs: 40,
  });
  await ch.start(r.sink);
  await Bun.sleep(150);
  await ch.stop();
  assert.is(r.health.length, 1, "down is reported once, not at every retry");
  assert.match(r.health[0]!, /down: cannot bind 10\.213\.250\.1:17694: address 10\.213\.250\.1 is not configured/);
  ch.send(new Uint8Array([1]));
  assert.ok(ch.stats().sendErrors >= 1);
});

test("survives the interface going down and up, and its address being removed and re-added", async () => {
  const pair = makeVeth(7);
  if ("skip" in pair) {
    console.log(`  (skipped: cannot create a veth pair here: ${pair.skip})`);
    return;
  }
  const echo = Bun.spawn(
    [
      "ip",
      "netns",
      "exec",
      pair.ns,
      process.execPath,
      "test/helpers/udp-echo.ts",
      pair.nsAddr,
      pair.hostAddr,
      String(PORT),
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  const r = recorder();
  const ch = new UdpChannel({
    localAddress: pair.hostAddr,
    peerAddress: pair.nsAddr,
    port: PORT,
    interface: pair.hostIf,
    retryMinMs: 50,
    retryMaxMs: 200,
    watchMs: 100,
  });
  try {
    await ch.start(r.sink);
    const ping = async (what: string) => {
      const before = r.frames.length;
      await waitFor(
        () => {
          ch.send(new Uint8Array([9, 9, 9]));
          return r.frames.length > before;
        },
        8000,
        what,
        50,
      );
    };
    await ping("the echo peer in the namespace");
    await Bun.sleep(200); // let echoes of the pings still in flight land
    pair.ip("link", "set", pair.hostIf, "down");
    const n = r.frames.length;
    for (let i = 0; i < 5; i++) ch.send(new Uint8Array([1]));
    await Bun.sleep(300);
    assert.is(r.frames.length, n, "nothing crosses a down link");
    pair.ip("link", "set", pair.hostIf, "up");
    await ping("frames again after link up");
    assert.ok(r.health.includes(`down: ${pair.hostIf} is down (no carrier)`), r.health.join("; "));
    await waitFor(() => r.health.at(-1)?.startsWith("up") === true, 3000, "health up after link up");
    const h = r.health.length;
    pair.ip("addr", "del", `${pair.hostAddr}/24`, "dev", pair.hostIf);
    await waitFor(
      () => r.health.slice(h).some((x) => x.startsWith("down")),
      3000,
      "health down after the address vanished",
    );
    pair.ip("addr", "add", `${pair.hostAddr}/24`, "dev", pair.hostIf);
    await waitFor(
      () => r.health.slice(h).some((x) => x.startsWith("up")),
      5000,
      "health up after the address came back",
    );
    await ping("frames again after the address came back");
    assert.ok(ch.stats().reopens >= 1);
  } finally {
    await ch.stop();
    echo.kill();
    await echo.exited;
    pair.destroy();
  }
});

test("the interface losing its carrier reports the link down, and its return reports it up (sysfs carrier file)", async () => {
  const sys = mkdtempSync(join(tmpdir(), "cg-sysnet-"));
  mkdirSync(join(sys, "lo"));
  const carrier = (v: string) => writeFileSync(join(sys, "lo", "carrier"), v);
  carrier("0\n");
  const r = recorder();
  const ch = new UdpChannel({
    localAddress: "127.0.0.1",
    peerAddress: "127.0.0.2",
    port: PORT + 2,
    interface: "lo",
    carrierDir: sys,
    watchMs: 20,
  });
  try {
    await ch.start(r.sink);
    assert.equal(
      r.health,
      ["down: no carrier on lo (cable pulled, or the peer's NIC is off)"],
      "a link without carrier is down from the start",
    );
    assert.is(ch.stats().up, false);
    carrier("1\n");
    await waitFor(() => r.health.length === 2, 2000, "up once the carrier returns");
    assert.match(r.health[1]!, /^up: carrier on lo again/);
    carrier("0\n");
    await waitFor(() => r.health.length === 3, 2000, "down again when the carrier drops");
    assert.is(r.health[2], "down: no carrier on lo (cable pulled, or the peer's NIC is off)");
    await Bun.sleep(100);
    assert.is(r.health.length, 3, "reported once per change, not at every poll");
  } finally {
    await ch.stop();
    rmSync(sys, { recursive: true, force: true });
  }
});

test("without an interface configured the carrier is never read", async () => {
  const r = recorder();
  const ch = new UdpChannel({
    localAddress: "127.0.0.1",
    peerAddress: "127.0.0.2",
    port: PORT + 3,
    carrierDir: "/nonexistent",
    watchMs: 20,
  });
  try {
    await ch.start(r.sink);
    await Bun.sleep(100);
    assert.equal(
      r.health.map((h) => h.split(":")[0]),
      ["up"],
    );
  } finally {
    await ch.stop();
  }
});

test("a real NIC whose peer end goes down loses its carrier: the link reports down, then up when the peer end returns", async () => {
  const pair = makeVeth(8);
  if ("skip" in pair) {
    console.log(`  (skipped: cannot create a veth pair here: ${pair.skip})`);
    return;
  }
  const r = recorder();
  const ch = new UdpChannel({
    localAddress: pair.hostAddr,
    peerAddress: pair.nsAddr,
    port: PORT,
    interface: pair.hostIf,
    retryMinMs: 50,
    retryMaxMs: 200,
    watchMs: 50,
  });
  try {
    await ch.start(r.sink);
    assert.ok(r.health[0]?.startsWith("up"), r.health.join("; "));
    pair.ip("-n", pair.ns, "link", "set", `cgn8`, "down");
    await waitFor(
      () => r.health.some((h) => h.startsWith(`down: no carrier on ${pair.hostIf}`)),
      3000,
      "down on carrier loss",
    );
    pair.ip("-n", pair.ns, "link", "set", `cgn8`, "up");
    await waitFor(() => r.health.at(-1)?.startsWith("up") === true, 3000, "up when the carrier returns");
  } finally {
    await ch.stop();
    pair.destroy();
  }
});

test.run();
