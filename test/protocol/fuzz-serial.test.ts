// Fuzz: SerialDeframer never throws, passes on only CRC-valid frames that decode safely,
// and recovers every valid frame from a stream full of garbage, whatever the chunking.
// Reproduce a failure with CLUSTERGUARD_FUZZ_SEED=<seed printed below>.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeFrame } from "../../src/protocol/decode.ts";
import { MAX_FRAME_BYTES, encodeFrame } from "../../src/protocol/frame.ts";
import { MAX_SERIAL_SEGMENT, SerialDeframer, encodeSerial } from "../../src/protocol/serial-framing.ts";
import { concat, fuzzSeed, genuineCorpus, mutate, randomFrame } from "./fuzz-helpers.ts";
import { OPTS, below, mulberry32, randomBytes, toHex } from "./helpers.ts";

const SEED = fuzzSeed();
const MUTATED_ITEMS = 120_000;
const STREAM_FRAMES = 30_000;
const WRONG_KEY = new TextEncoder().encode("not the cluster authkey");

/** Pushes `stream` into `deframer` in random-sized chunks; returns every frame it emitted. */
function pushChunked(rand: () => number, deframer: SerialDeframer, stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < stream.length; ) {
    const size = rand() < 0.1 ? 1 + below(rand, 4) : 1 + below(rand, 700);
    out.push(...deframer.push(stream.subarray(at, at + size)));
    at += size;
  }
  return out;
}

/** Garbage for the serial line: random bytes (often with 0x00), partial or damaged frames, endless runs. */
function garbage(rand: () => number, wires: Uint8Array[]): Uint8Array {
  const r = rand();
  const wire = wires[below(rand, wires.length)] as Uint8Array;
  if (r < 0.3) return randomBytes(rand, below(rand, 300));
  if (r < 0.5) return wire.subarray(0, below(rand, wire.length - 1)); // partial frame, cut before its end
  if (r < 0.7) return mutate(rand, wire);
  if (r < 0.8) return wire.subarray(1 + below(rand, wire.length - 1)); // tail of a frame, joined mid-stream
  if (r < 0.85) return new Uint8Array(MAX_SERIAL_SEGMENT + below(rand, 3000)).fill(1 + below(rand, 255));
  const zeroRich = randomBytes(rand, below(rand, 60));
  return zeroRich.map((b) => (b < 96 ? 0 : b));
}

test(`SerialDeframer survives ${MUTATED_ITEMS} random and mutated serial frames; nothing forged decodes (seed ${SEED})`, () => {
  console.log(`  fuzz serial: seed ${SEED} (set CLUSTERGUARD_FUZZ_SEED=${SEED} to reproduce)`);
  const rand = mulberry32(SEED ^ 0x5e71a1);
  const { frames, genuine } = genuineCorpus(rand, 300);
  const wires = frames.map(encodeSerial);
  const deframer = new SerialDeframer();
  const kinds: Record<string, number> = {};
  let bytesIn = 0;
  const started = performance.now();
  for (let done = 0; done < MUTATED_ITEMS; ) {
    const batch: Uint8Array[] = [];
    for (let i = 0; i < 1000; i++, done++) {
      const r = rand();
      const wire = wires[below(rand, wires.length)] as Uint8Array;
      if (r < 0.2) batch.push(randomBytes(rand, below(rand, 400)));
      else if (r < 0.3)
        batch.push(encodeSerial(randomBytes(rand, 1 + below(rand, 1200)))); // CRC-valid non-frames
      else if (r < 0.4) batch.push(encodeSerial(encodeFrame(randomFrame(rand), WRONG_KEY)));
      else if (r < 0.5)
        batch.push(encodeSerial(mutate(rand, wire.subarray(1, -1)))); // mutated before framing
      else if (r < 0.9)
        batch.push(mutate(rand, wire)); // damaged on the line
      else batch.push(wire);
    }
    const stream = concat(...batch);
    bytesIn += stream.length;
    for (const frame of pushChunked(rand, deframer, stream)) {
      assert.ok(frame.length > 0 && frame.length <= 4 * MAX_FRAME_BYTES, "frame length bounded");
      const result = decodeFrame(frame, OPTS);
      kinds[result.kind] = (kinds[result.kind] ?? 0) + 1;
      if (result.kind === "ok")
        assert.ok(genuine.has(toHex(frame)), `seed ${SEED}: forged frame accepted: ${toHex(frame)}`);
    }
  }
  const ms = performance.now() - started;
  console.log(
    `  fuzz serial: ${MUTATED_ITEMS} items (${(bytesIn / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms = ${Math.round((MUTATED_ITEMS / ms) * 1000)} frames/s`,
  );
  console.log(`  fuzz serial: counters ${JSON.stringify(deframer.counters)}, decoded ${JSON.stringify(kinds)}`);
  const counters = deframer.counters;
  assert.ok(counters.frames > 0 && counters.badCrc > 0 && counters.garbageBytes > 0, "the fuzz reached every path");
});

test(`every valid frame is recovered in order from ${STREAM_FRAMES} frames interleaved with garbage (seed ${SEED})`, () => {
  const rand = mulberry32(SEED ^ 0x0bad_f00d);
  const { frames, genuine } = genuineCorpus(rand, 300);
  const wires = frames.map(encodeSerial);
  const expected: Uint8Array[] = [];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < STREAM_FRAMES; i++) {
    for (let g = below(rand, 3); g > 0; g--) parts.push(garbage(rand, wires));
    const pick = below(rand, frames.length);
    expected.push(frames[pick] as Uint8Array);
    parts.push(wires[pick] as Uint8Array);
  }
  const stream = concat(...parts);
  const deframer = new SerialDeframer();
  const started = performance.now();
  const out = pushChunked(rand, deframer, stream);
  const ms = performance.now() - started;
  console.log(
    `  fuzz serial stream: ${STREAM_FRAMES} frames in ${(stream.length / 1e6).toFixed(1)} MB recovered in ${ms.toFixed(0)} ms = ${Math.round((STREAM_FRAMES / ms) * 1000)} frames/s`,
  );
  console.log(`  fuzz serial stream: counters ${JSON.stringify(deframer.counters)}`);
  // Every output is a genuine frame; the expected ones appear in order. Extras can only be
  // genuine frames that the garbage itself contained (a damaged copy that came out intact).
  let next = 0;
  let extras = 0;
  for (const frame of out) {
    const hex = toHex(frame);
    assert.ok(genuine.has(hex), `seed ${SEED}: garbage produced a frame nobody sent: ${hex}`);
    if (next < expected.length && hex === toHex(expected[next] as Uint8Array)) next++;
    else extras++;
  }
  assert.is(next, expected.length, `seed ${SEED}: recovered ${next} of ${expected.length} frames in order`);
  console.log(`  fuzz serial stream: ${extras} extra genuine frames carried by the garbage`);
});

test.run();
