import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ChannelSink } from "../../src/channels/channel.ts";
import { SerialChannel } from "../../src/channels/serial.ts";
import { encodeSerial } from "../../src/protocol/serial-framing.ts";
import { startPtyPair, type PtyPair } from "../helpers/pty-pair.ts";

/** A sink that keeps everything it is told. */
function recorder() {
  const frames: Uint8Array[] = [];
  const health: { up: boolean; detail: string }[] = [];
  const sink: ChannelSink = {
    frame: (bytes) => void frames.push(bytes),
    health: (_, up, detail) => void health.push({ up, detail }),
  };
  return {
    frames,
    health,
    sink,
    ups: () => health.filter((h) => h.up).length,
    downs: () => health.filter((h) => !h.up).length,
  };
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await Bun.sleep(2);
  }
}

/** Deterministic bytes (xorshift32) with some 0x00 forced in, since 0x00 is the frame delimiter. */
function byteSource(seed: number) {
  let s = seed;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), s >>> 0);
  return (n: number) => Uint8Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : next() & 0xff));
}

/** Two channels on the two ends of a fresh socat pair; run() cleans everything up afterwards. */
async function withLink(
  body: (ctx: {
    pair: PtyPair;
    a: SerialChannel;
    b: SerialChannel;
    ra: ReturnType<typeof recorder>;
    rb: ReturnType<typeof recorder>;
  }) => Promise<void>,
) {
  const pair = await startPtyPair();
  const dir = pair.dir;
  const a = new SerialChannel({ device: pair.a, baud: 115200, reopenMinMs: 20, reopenMaxMs: 200 });
  const b = new SerialChannel({ device: pair.b, baud: 115200, reopenMinMs: 20, reopenMaxMs: 200 });
  const ra = recorder();
  const rb = recorder();
  const ctx = { pair, a, b, ra, rb };
  try {
    await a.start(ra.sink);
    await b.start(rb.sink);
    await body(ctx);
  } finally {
    await a.stop();
    await b.stop();
    await ctx.pair.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends frames from one channel in windows small enough for the tty buffers, waiting for each window to arrive. */
async function sendAll(from: SerialChannel, to: ReturnType<typeof recorder>, frames: Uint8Array[]): Promise<void> {
  const base = to.frames.length;
  for (let i = 0; i < frames.length; i++) {
    from.send(frames[i]!);
    if (i % 10 === 9 || i === frames.length - 1)
      await waitFor(() => to.frames.length >= base + i + 1, `frame ${i + 1} of ${frames.length}`);
  }
}

test("200 frames sent from one end arrive at the other in order and intact, 0x00 bytes included", () =>
  withLink(async ({ a, b, rb }) => {
    const bytes = byteSource(1);
    const frames = Array.from({ length: 200 }, (_, i) => bytes(1 + ((i * 37) % 300)));
    await sendAll(a, rb, frames);
    assert.equal(rb.frames, frames);
    assert.is(a.stats().framesOut, 200);
    assert.is(a.stats().sendErrors, 0);
    assert.is(b.stats().framesIn, 200);
    assert.is(b.stats().dropped, 0);
  }));

test("garbage and partial frames written straight to the tty are dropped and counted; every valid frame still arrives", () =>
  withLink(async ({ pair, b, rb }) => {
    const bytes = byteSource(2);
    const raw = fs.openSync(pair.a, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
    const frames = Array.from({ length: 50 }, () => bytes(40));
    try {
      for (const [i, frame] of frames.entries()) {
        fs.writeSync(raw, encodeSerial(frame));
        if (i % 2 === 0)
          fs.writeSync(raw, bytes(1 + (i % 30))); // random bytes
        else fs.writeSync(raw, encodeSerial(bytes(40)).subarray(0, 20)); // a frame cut short
      }
      await waitFor(() => rb.frames.length >= frames.length, "the 50 valid frames");
    } finally {
      fs.closeSync(raw);
    }
    assert.equal(rb.frames, frames);
    assert.ok(b.stats().dropped >= 25, `expected at least one drop per partial frame, got ${b.stats().dropped}`);
  }));

test("pulling the cable reports both ends down; plugging it back in reports them up and frames flow again without a restart", () =>
  withLink(async (ctx) => {
    const { a, b, ra, rb } = ctx;
    await ctx.pair.kill();
    await waitFor(() => ra.downs() === 1 && rb.downs() === 1, "both ends to report down");
    assert.match(ra.health[1]!.detail, /hung up|EIO/, JSON.stringify(ra.health));
    assert.is(a.stats().up, false);
    ctx.pair = await startPtyPair(ctx.pair.dir);
    await waitFor(() => ra.ups() === 2 && rb.ups() === 2, "both ends to report up again");
    const bytes = byteSource(3);
    await sendAll(a, rb, [bytes(64), bytes(64)]);
    await sendAll(b, ra, [bytes(64)]);
    assert.is(a.stats().reopens, 1);
    assert.is(b.stats().reopens, 1);
    assert.is(ra.downs(), 1, "down is reported once per outage, not on every failed retry");
  }));

test("send() with nobody reading the other end neither throws nor blocks once the line's buffers are full", async () => {
  const pair = await startPtyPair();
  const a = new SerialChannel({ device: pair.a, baud: 115200 });
  try {
    await a.start(recorder().sink);
    const frame = byteSource(4)(1000);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) a.send(frame);
    assert.ok(performance.now() - t0 < 5000, "100 sends finished within 5 s");
    const s = a.stats();
    assert.ok(s.sendErrors > 0, `expected EAGAIN once ~100 KB filled the buffers, got ${JSON.stringify(s)}`);
    assert.is(s.framesOut + s.sendErrors, 100);
    assert.match(s.lastError ?? "", /EAGAIN|short write/);
  } finally {
    await a.stop();
    await pair.kill();
    fs.rmSync(pair.dir, { recursive: true, force: true });
  }
});

test("send() after the pty pair is gone neither throws nor blocks, and counts every send as an error", () =>
  withLink(async ({ pair, a }) => {
    await pair.kill();
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) a.send(new Uint8Array([1, 0, 2]));
    assert.ok(performance.now() - t0 < 5000, "100 sends finished within 5 s");
    assert.is(a.stats().sendErrors, 100);
    assert.is(a.stats().framesOut, 0);
  }));

test("a device that does not exist yet is reported down once, retried, and reported up when it appears", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clusterguard-pty-"));
  const a = new SerialChannel({ device: path.join(dir, "a"), baud: 115200, reopenMinMs: 10, reopenMaxMs: 50 });
  const ra = recorder();
  let pair: PtyPair | undefined;
  try {
    await a.start(ra.sink);
    assert.equal(ra.health.length, 1);
    assert.match(ra.health[0]!.detail, /cannot open .*\/a: ENOENT/);
    await Bun.sleep(200);
    assert.is(ra.health.length, 1, "still only one down report after several retries");
    pair = await startPtyPair(dir);
    await waitFor(() => ra.ups() === 1, "the device to be reported up");
    assert.is(a.stats().up, true);
    assert.is(a.stats().reopens, 0, "a first successful open is not a reopen");
  } finally {
    await a.stop();
    await pair?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the constructor refuses a bad baud or backoff, saying what was expected and what arrived", () => {
  assert.throws(
    () => new SerialChannel({ device: "/dev/ttyS1", baud: 12345 }),
    /serial baud: expected one of 9600, .* got 12345/,
  );
  assert.throws(() => new SerialChannel({ device: "", baud: 9600 }), /serial device: expected a tty path/);
  assert.throws(
    () => new SerialChannel({ device: "/dev/ttyS1", baud: 9600, reopenMinMs: 500, reopenMaxMs: 100 }),
    /reopenMaxMs: expected milliseconds >= reopenMinMs \(500\), got 100/,
  );
});

test.run();
