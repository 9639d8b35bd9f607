// HMAC-SHA256 of frame bytes and its constant-time comparison.

import { createHmac, timingSafeEqual } from "node:crypto";
import { MAC_BYTES } from "./layout.ts";

/** HMAC-SHA256 of `bytes` keyed with `key`. */
export function computeMac(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(bytes).digest());
}

/** True when `mac` is the HMAC-SHA256 of `bytes` under `key`; constant time in the MAC. */
export function macMatches(key: Uint8Array, bytes: Uint8Array, mac: Uint8Array): boolean {
  if (key.length === 0 || mac.length !== MAC_BYTES) return false;
  return timingSafeEqual(computeMac(key, bytes), mac);
}
