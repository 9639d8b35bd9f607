import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeFrame } from "../../src/protocol/frame.ts";
import { MAX_FRAME_BYTES } from "../../src/protocol/layout.ts";
import { MAX_SERIAL_SEGMENT, SerialDeframer, encodeSerial } from "../../src/protocol/serial-framing.ts";
import { KEY, sampleFrame } from "./helpers.ts";

const frameA = encodeFrame(sampleFrame({ seq: 1 }), KEY);
const frameB = encodeFrame(sampleFrame({ seq: 2, payload: new Uint8Array(1024) }), KEY);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
};

test("a serial-encoded frame starts and ends with 0x00 and has no other 0x00", () => {
  const wire = encodeSerial(frameB);
  assert.is(wire[0], 0);
  assert.is(wire[wire.length - 1], 0);
  assert.not.ok(wire.subarray(1, -1).includes(0));
});

test("frames pushed in one chunk come out in order, CRC checked", () => {
  const deframer = new SerialDeframer();
  const out = deframer.push(concat(encodeSerial(frameA), encodeSerial(frameB), encodeSerial(frameA)));
  assert.equal(out, [frameA, frameB, frameA]);
  assert.equal(deframer.counters, { frames: 3, badCrc: 0, oversize: 0, garbageBytes: 0 });
});

test("frames pushed one byte at a time come out whole", () => {
  const deframer = new SerialDeframer();
  const out: Uint8Array[] = [];
  for (const b of concat(encodeSerial(frameA), encodeSerial(frameB))) out.push(...deframer.push(new Uint8Array([b])));
  assert.equal(out, [frameA, frameB]);
});

test("the longest frame fits within the deframer's segment limit", () => {
  const wire = encodeSerial(
    encodeFrame(sampleFrame({ node: "n".repeat(32), payload: new Uint8Array(1024).fill(0xff) }), KEY),
  );
  assert.ok(wire.length - 2 <= MAX_SERIAL_SEGMENT);
  assert.is(new SerialDeframer().push(wire)[0]?.length, MAX_FRAME_BYTES);
});

test("a receiver that joins mid-stream resynchronises at the next frame", () => {
  const deframer = new SerialDeframer();
  const wire = concat(encodeSerial(frameB), encodeSerial(frameA));
  const out = deframer.push(wire.subarray(500));
  assert.equal(out, [frameA]);
  assert.is(deframer.counters.frames, 1);
});

test("garbage and a truncated frame before a good frame do not destroy it", () => {
  const deframer = new SerialDeframer();
  const truncated = encodeSerial(frameB).subarray(0, 300);
  const garbage = new Uint8Array([0x13, 0x37, 0x00, 0x42, 0x05, 0x01]);
  const out = deframer.push(concat(garbage, truncated, encodeSerial(frameA)));
  assert.equal(out, [frameA]);
  assert.is(deframer.counters.frames, 1);
});

test("a bit flip inside an encoded frame is counted as bad CRC and the next frame survives", () => {
  const deframer = new SerialDeframer();
  const damaged = encodeSerial(frameA);
  damaged[20] = (damaged[20] as number) ^ 0x04;
  const out = deframer.push(concat(damaged, encodeSerial(frameB)));
  assert.equal(out, [frameB]);
  assert.equal(deframer.counters, { frames: 1, badCrc: 1, oversize: 0, garbageBytes: 0 });
});

test("a segment that is not valid COBS counts its bytes as garbage", () => {
  const deframer = new SerialDeframer();
  assert.equal(deframer.push(new Uint8Array([0, 0x09, 0x01, 0x02, 0])), []);
  assert.equal(deframer.counters, { frames: 0, badCrc: 0, oversize: 0, garbageBytes: 3 });
});

test("a segment too short to hold a frame and its CRC is garbage, even if the CRC would match", () => {
  // COBS of four zero bytes: an empty frame whose CRC-32 (0) "matches".
  const deframer = new SerialDeframer();
  assert.equal(deframer.push(new Uint8Array([0, 1, 1, 1, 1, 1, 0])), []);
  assert.is(deframer.counters.garbageBytes, 5);
});

test("consecutive delimiters are ignored silently", () => {
  const deframer = new SerialDeframer();
  assert.equal(deframer.push(concat(new Uint8Array(50), encodeSerial(frameA), new Uint8Array(9))), [frameA]);
  assert.equal(deframer.counters, { frames: 1, badCrc: 0, oversize: 0, garbageBytes: 0 });
});

test("an endless segment is discarded as oversize and the deframer resyncs at the next delimiter", () => {
  const deframer = new SerialDeframer();
  const noise = new Uint8Array(MAX_SERIAL_SEGMENT * 3).fill(0x55);
  assert.equal(deframer.push(noise), []);
  assert.equal(deframer.push(encodeSerial(frameA)), [frameA]);
  assert.equal(deframer.counters, { frames: 1, badCrc: 0, oversize: 1, garbageBytes: 0 });
});

test("a segment of exactly the limit is still decoded, one byte more is oversize", () => {
  const atLimit = new SerialDeframer();
  atLimit.push(new Uint8Array(MAX_SERIAL_SEGMENT).fill(0x55));
  atLimit.push(new Uint8Array([0]));
  assert.is(atLimit.counters.oversize, 0);
  const over = new SerialDeframer();
  over.push(new Uint8Array(MAX_SERIAL_SEGMENT + 1).fill(0x55));
  over.push(new Uint8Array([0]));
  assert.is(over.counters.oversize, 1);
});

test("counters are a plain object copy", () => {
  const deframer = new SerialDeframer();
  const snapshot = deframer.counters;
  snapshot.frames = 99;
  assert.is(deframer.counters.frames, 0);
});

test.run();
