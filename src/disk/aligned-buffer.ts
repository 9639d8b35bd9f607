// Buffers whose first byte sits at a 4096-aligned address, as O_DIRECT requires of user memory.

import { ptr } from "bun:ffi";
import { BLOCK_SIZE } from "./layout.ts";

/** The memory address of `bytes`' first byte. */
export function addressOf(bytes: Uint8Array): number {
  return ptr(bytes);
}

/** A zeroed `size`-byte buffer aligned to `alignment`: over-allocate, then view the aligned part. */
export function alignedBuffer(size: number = BLOCK_SIZE, alignment: number = BLOCK_SIZE): Uint8Array {
  const raw = new Uint8Array(size + alignment);
  const skip = (alignment - (addressOf(raw) % alignment)) % alignment;
  return raw.subarray(skip, skip + size);
}
