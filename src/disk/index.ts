// Public API of the shared-disk layer: layout, block codecs, the area, init and dump.

export { AREA_BLOCKS, AREA_BYTES, BLOCK_SIZE, LAYOUT_VERSION, SLOT_COUNT, heartbeatBlock, mailboxBlock } from "./layout.ts";
export type { BlockAuth } from "./block.ts";
export type { BlockRejection, BlockResult } from "./result.ts";
export { BLOCK_RESULT_KINDS, describeRejection } from "./result.ts";
export type { DiskTimers } from "./timers.ts";
export { timersProblem } from "./timers.ts";
export type { Header } from "./header.ts";
export { HEADER_MAGIC, decodeHeader, encodeHeader, makeHeader } from "./header.ts";
export type { HeartbeatSlot } from "./slot.ts";
export { SLOT_MAGIC, decodeSlot, encodeSlot } from "./slot.ts";
export type { MailboxMessage, MailboxType } from "./mailbox.ts";
export { MAILBOX_MAGIC, MAILBOX_TYPES, decodeMailbox, encodeMailbox } from "./mailbox.ts";
export type { IoMode } from "./aligned-io.ts";
export { BlockFile } from "./aligned-io.ts";
export { DiskIoError } from "./io-error.ts";
export type { AreaOptions } from "./area.ts";
export { DiskArea } from "./area.ts";
export { openVerifiedArea } from "./open-verified.ts";
export type { AreaSnapshot } from "./snapshot.ts";
export { readSnapshot } from "./snapshot.ts";
export { describeArea, describeSnapshot } from "./describe.ts";
export type { FoundKind, InitOptions, InitResult } from "./init.ts";
export { initDisk } from "./init.ts";
