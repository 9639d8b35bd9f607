// Placement of the heartbeat area on the shared disk: one header block, then per slot a heartbeat block and a mailbox block.
//
//   block 0        header   (written by `disk init` only)
//   block 1 + 2*i  slot i's HEARTBEAT (written only by the node that owns slot i)
//   block 2 + 2*i  slot i's MAILBOX   (written only by the peer: the fencer's poison pill)
//
// Every block is 4096 bytes and 4096-aligned, so O_DIRECT works on 4Kn and 512e disks.
// Every block ends with HMAC-SHA256 over all its preceding bytes; integers are big-endian.

/** Size and alignment of every on-disk structure, in bytes. */
export const BLOCK_SIZE = 4096;

/** Length of the trailing HMAC-SHA256 of each block. */
export const BLOCK_MAC_BYTES = 32;

/** Offset of the trailing HMAC inside a block: it covers bytes 0..MAC_AT-1. */
export const MAC_AT = BLOCK_SIZE - BLOCK_MAC_BYTES;

/** Layout version written in the header by this code and the only one it accepts. */
export const LAYOUT_VERSION = 1;

/** Slots in a two-node cluster's area. */
export const SLOT_COUNT = 2;

/** Blocks the area occupies: header + (heartbeat + mailbox) per slot. */
export const AREA_BLOCKS = 1 + 2 * SLOT_COUNT;

/** Bytes the area occupies from its offset. */
export const AREA_BYTES = AREA_BLOCKS * BLOCK_SIZE;

/** Block index of the header. */
export const HEADER_BLOCK = 0;

/** Block index of slot `i`'s heartbeat (its owner writes it). */
export function heartbeatBlock(slot: number): number {
  return 1 + 2 * slot;
}

/** Block index of slot `i`'s mailbox (the peer writes it). */
export function mailboxBlock(slot: number): number {
  return 2 + 2 * slot;
}

/** Why `slot` is not a valid slot index, or undefined. */
export function slotProblem(slot: unknown): string | undefined {
  if (typeof slot === "number" && Number.isInteger(slot) && slot >= 0 && slot < SLOT_COUNT) return undefined;
  return `slot: expected an integer 0..${SLOT_COUNT - 1}, got ${typeof slot === "number" ? slot : typeof slot}`;
}

/** Why `offset` cannot start a heartbeat area, or undefined. */
export function offsetProblem(offset: unknown): string | undefined {
  if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0 && offset % BLOCK_SIZE === 0) return undefined;
  return `offset: expected a non-negative multiple of ${BLOCK_SIZE} bytes, got ${typeof offset === "number" ? offset : typeof offset}`;
}
