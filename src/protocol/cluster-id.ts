// The numeric cluster id carried by every frame, derived from the cluster's name.

import { createHash } from "node:crypto";

/** First 4 bytes of SHA-256(UTF-8 cluster name), as an unsigned 32-bit integer. */
export function clusterIdOf(name: string): number {
  const digest = createHash("sha256").update(name, "utf8").digest();
  return new DataView(digest.buffer, digest.byteOffset, digest.byteLength).getUint32(0);
}
