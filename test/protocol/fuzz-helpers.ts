// Generators for the fuzz tests: a corpus of genuine frames and mutations of byte strings.

import { MESSAGE_TYPES, ROLES } from "../../src/core/types.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { encodeFrame } from "../../src/protocol/frame.ts";
import { CLUSTER_ID, KEY, below, randomBytes, toHex } from "./helpers.ts";

/** The fuzz seed: CLUSTERGUARD_FUZZ_SEED if set (to reproduce a failure), else a fixed default. */
export function fuzzSeed(): number {
  const raw = process.env.CLUSTERGUARD_FUZZ_SEED;
  if (raw === undefined || raw === "") return 0x5eed_c1a5;
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new Error(`CLUSTERGUARD_FUZZ_SEED: expected an integer, got ${JSON.stringify(raw)}`);
  return seed >>> 0;
}

const NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
const U64_CHOICES = [0, 1, 0xffff_ffff, 0x1_0000_0000, Number.MAX_SAFE_INTEGER];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[below(rand, items.length)] as T;
}

function randomU64(rand: () => number): number {
  return rand() < 0.2 ? pick(rand, U64_CHOICES) : below(rand, 2 ** 21) * 2 ** 32 + below(rand, 2 ** 32);
}

function randomPayloadLength(rand: () => number): number {
  const r = rand();
  return r < 0.5 ? below(rand, 65) : r < 0.9 ? below(rand, 513) : below(rand, 1025);
}

/** A random valid Frame for the test cluster. */
export function randomFrame(rand: () => number): Frame {
  const nameLength = 1 + below(rand, 32);
  let node = "";
  for (let i = 0; i < nameLength; i++) node += NAME_CHARS[below(rand, NAME_CHARS.length)];
  return {
    type: pick(rand, MESSAGE_TYPES),
    role: pick(rand, ROLES),
    flags: below(rand, 256),
    clusterId: CLUSTER_ID,
    incarnation: randomU64(rand),
    seq: randomU64(rand),
    peerIncarnation: randomU64(rand),
    node,
    payload: randomBytes(rand, randomPayloadLength(rand)),
  };
}

/** Genuine frames (encoded with KEY) and the hex of each, for "was this really sent?" checks. */
export type Corpus = { frames: Uint8Array[]; genuine: Set<string> };

/** Builds `n` genuine frames. */
export function genuineCorpus(rand: () => number, n: number): Corpus {
  const frames = Array.from({ length: n }, () => encodeFrame(randomFrame(rand), KEY));
  return { frames, genuine: new Set(frames.map(toHex)) };
}

/** Returns a mutated copy of `bytes`: bit flips, truncation, extension, insertion, deletion or overwrite. */
export function mutate(rand: () => number, bytes: Uint8Array): Uint8Array {
  const at = (n: number): number => below(rand, n + 1);
  switch (below(rand, 6)) {
    case 0: {
      const out = bytes.slice();
      for (let flips = 1 + below(rand, 4); flips > 0 && out.length > 0; flips--) {
        const bit = below(rand, out.length * 8);
        out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
      }
      return out;
    }
    case 1:
      return bytes.slice(0, at(bytes.length));
    case 2:
      return concat(bytes, randomBytes(rand, 1 + below(rand, 40)));
    case 3: {
      const i = at(bytes.length);
      return concat(bytes.subarray(0, i), randomBytes(rand, 1 + below(rand, 4)), bytes.subarray(i));
    }
    case 4: {
      const i = at(bytes.length);
      return concat(bytes.subarray(0, i), bytes.subarray(i + 1 + below(rand, 4)));
    }
    default: {
      const out = bytes.slice();
      if (out.length > 0) out[below(rand, out.length)] = below(rand, 256);
      return out;
    }
  }
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
