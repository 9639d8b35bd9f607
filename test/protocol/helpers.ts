// Shared fixtures for the protocol tests: a key, a cluster id, sample frames, a seeded PRNG.

import { clusterIdOf } from "../../src/protocol/cluster-id.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { MAC_BYTES } from "../../src/protocol/layout.ts";
import { computeMac } from "../../src/protocol/mac.ts";

/** The authkey used by the tests. */
export const KEY = new TextEncoder().encode("test authkey, 32 bytes or so....");

/** The cluster id used by the tests. */
export const CLUSTER_ID = clusterIdOf("lab-cluster");

/** Decode options matching KEY and CLUSTER_ID. */
export const OPTS = { key: KEY, clusterId: CLUSTER_ID };

/** A valid heartbeat frame, with fields overridden as given. */
export function sampleFrame(overrides: Partial<Frame> = {}): Frame {
  return {
    type: "heartbeat",
    role: "ACTIVE",
    flags: 0,
    clusterId: CLUSTER_ID,
    incarnation: 1_700_000_000_000,
    seq: 42,
    peerIncarnation: 1_700_000_000_123,
    node: "node-a",
    payload: new Uint8Array([1, 2, 3]),
    ...overrides,
  };
}

/** Recomputes the trailing MAC of raw frame bytes in place, so field edits stay authentic. */
export function resign(bytes: Uint8Array, key: Uint8Array = KEY): Uint8Array {
  const macAt = bytes.length - MAC_BYTES;
  bytes.set(computeMac(key, bytes.subarray(0, macAt)), macAt);
  return bytes;
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1); same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random integer in 0..n-1 from `rand`. */
export function below(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** `length` random bytes from `rand`. */
export function randomBytes(rand: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = below(rand, 256);
  return bytes;
}

/** Hex of bytes, for set membership and messages. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
