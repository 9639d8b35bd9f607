// Fuzz: decodeFrame never throws and never accepts a frame that was not genuinely encoded.
// Reproduce a failure with CLUSTERGUARD_FUZZ_SEED=<seed printed below>.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeFrame } from "../../src/protocol/decode.ts";
import type { DecodeResult } from "../../src/protocol/decode.ts";
import { MAGIC, encodeFrame } from "../../src/protocol/frame.ts";
import { OFFSET } from "../../src/protocol/layout.ts";
import { concat, fuzzSeed, genuineCorpus, mutate, randomFrame } from "./fuzz-helpers.ts";
import { CLUSTER_ID, KEY, OPTS, below, mulberry32, randomBytes, resign, toHex } from "./helpers.ts";

const ITERATIONS = 200_000;
const SEED = fuzzSeed();
const WRONG_KEY = new TextEncoder().encode("not the cluster authkey");

type Source = "random" | "random-header" | "mutated" | "wrong-key" | "resigned" | "genuine";

/** Random bytes that start like a v1 frame of this cluster, so they reach the deeper checks. */
function randomWithHeader(rand: () => number): Uint8Array {
  const bytes = randomBytes(rand, 1 + below(rand, 1200));
  bytes.set(MAGIC.subarray(0, Math.min(4, bytes.length)));
  if (bytes.length > OFFSET.version) bytes[OFFSET.version] = 1;
  if (bytes.length >= OFFSET.clusterId + 4) new DataView(bytes.buffer).setUint32(OFFSET.clusterId, CLUSTER_ID);
  return bytes;
}

/** A genuine frame whose header fields are scrambled, then signed again with the right key. */
function resignedVariant(rand: () => number, frame: Uint8Array): Uint8Array {
  const bytes = frame.slice();
  const fields = [OFFSET.type, OFFSET.role, OFFSET.incarnation, OFFSET.seq, OFFSET.peerIncarnation];
  for (let edits = 1 + below(rand, 3); edits > 0; edits--) {
    const r = rand();
    const at =
      r < 0.7
        ? (fields[below(rand, fields.length)] as number) + below(rand, 2)
        : OFFSET.name + below(rand, bytes[OFFSET.nameLength] as number);
    bytes[at] = below(rand, 256);
  }
  return resign(bytes);
}

function makeInput(rand: () => number, frames: Uint8Array[]): [Source, Uint8Array] {
  const r = rand();
  const base = frames[below(rand, frames.length)] as Uint8Array;
  if (r < 0.15) return ["random", randomBytes(rand, below(rand, 1200))];
  if (r < 0.25) return ["random-header", randomWithHeader(rand)];
  if (r < 0.7) {
    let bytes = mutate(rand, base);
    for (let more = below(rand, 3); more > 0; more--) bytes = mutate(rand, bytes);
    return ["mutated", rand() < 0.1 ? concat(bytes, base) : bytes];
  }
  if (r < 0.8) {
    const foreign = encodeFrame(randomFrame(rand), WRONG_KEY);
    return ["wrong-key", rand() < 0.5 ? foreign : mutate(rand, foreign)];
  }
  if (r < 0.9) return ["resigned", resignedVariant(rand, base)];
  return ["genuine", base];
}

function decodeOrFail(bytes: Uint8Array, context: string): DecodeResult {
  try {
    return decodeFrame(bytes, OPTS);
  } catch (error) {
    throw new Error(`decodeFrame threw ${String(error)} (${context}, input ${toHex(bytes)})`);
  }
}

test(`decodeFrame survives ${ITERATIONS} random and mutated inputs and accepts only genuine frames (seed ${SEED})`, () => {
  console.log(`  fuzz decodeFrame: seed ${SEED} (set CLUSTERGUARD_FUZZ_SEED=${SEED} to reproduce)`);
  const rand = mulberry32(SEED);
  const { frames, genuine } = genuineCorpus(rand, 300);
  const kinds: Record<string, number> = {};
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const [source, bytes] = makeInput(rand, frames);
    const context = `seed ${SEED}, iteration ${i}, ${source}`;
    const result = decodeOrFail(bytes, context);
    kinds[result.kind] = (kinds[result.kind] ?? 0) + 1;
    if (result.kind === "malformed" && result.reason.startsWith("internal")) {
      assert.unreachable(`${context}: ${result.reason}`);
    }
    if (source === "genuine") assert.is(result.kind, "ok", context);
    if (result.kind !== "ok") continue;
    if (source === "resigned") {
      // Signed with the right key but not by encodeFrame: must at least be canonical.
      assert.is(toHex(encodeFrame(result.frame, KEY)), toHex(bytes), `${context}: accepted a non-canonical frame`);
    } else {
      assert.ok(genuine.has(toHex(bytes)), `${context}: accepted a frame nobody encoded: ${toHex(bytes)}`);
    }
  }
  const ms = performance.now() - started;
  console.log(
    `  fuzz decodeFrame: ${ITERATIONS} inputs in ${ms.toFixed(0)} ms = ${Math.round((ITERATIONS / ms) * 1000)} frames/s`,
  );
  console.log(`  fuzz decodeFrame: results ${JSON.stringify(kinds)}`);
  for (const kind of ["ok", "malformed", "bad-auth", "foreign-cluster", "unsupported-version"]) {
    assert.ok((kinds[kind] ?? 0) > 0, `the fuzz reached the ${kind} outcome`);
  }
});

test.run();
