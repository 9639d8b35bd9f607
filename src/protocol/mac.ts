// HMAC-SHA256 of frame bytes and its constant-time comparison.

import { timingSafeEqual } from "node:crypto";
import { MAC_BYTES } from "./layout.ts";

/** HMAC-SHA256 of `bytes` keyed with `key` (Bun's native hasher: a third cheaper per frame than node:crypto's). */
export function computeMac(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  const h = new Bun.CryptoHasher("sha256", key);
  h.update(bytes);
  return h.digest() as Uint8Array;
}

/** True when `mac` is the HMAC-SHA256 of `bytes` under `key`; constant time in the MAC. */
export function macMatches(key: Uint8Array, bytes: Uint8Array, mac: Uint8Array): boolean {
  if (key.length === 0 || mac.length !== MAC_BYTES) return false;
  return timingSafeEqual(computeMac(key, bytes), mac);
}
