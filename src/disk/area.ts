// The heartbeat area of one device: typed reads and writes of the header, heartbeat slots and mailboxes, the
// verified open the disk channel uses, and a snapshot of all five blocks for `disk init` and `disk dump`.
// Ownership (a node writes only its own heartbeat slot and its peer's mailbox) is the callers' rule:
// DiskChannel writes only its own slot, the poison-pill fencer only the peer's mailbox, `disk init` everything.

import type { BlockAuth, BlockResult } from "./block.ts";
import {
  AREA_BLOCKS,
  BLOCK_SIZE,
  describeRejection,
  HEADER_BLOCK,
  heartbeatBlock,
  idText,
  mailboxBlock,
  offsetProblem,
  SLOT_COUNT,
  slotProblem,
} from "./block.ts";
import type { Header } from "./header.ts";
import { decodeHeader, encodeHeader } from "./header.ts";
import type { BlockDevice, IoMode, OpenBlock } from "./io.ts";
import { BlockFile, DiskIoError } from "./io.ts";
import type { HeartbeatSlot, MailboxMessage } from "./slot.ts";
import { decodeMailbox, decodeSlot, encodeMailbox, encodeSlot } from "./slot.ts";

/** Options of DiskArea.open: where notes go, and how the device is opened (a simulator passes its own). */
export type AreaOptions = { log?: (line: string) => void; open?: OpenBlock };

/** An open heartbeat area: `offset` bytes into `device`, authenticated with `auth`. */
export class DiskArea {
  private constructor(
    readonly device: string,
    readonly offset: number,
    readonly auth: BlockAuth,
    private readonly file: BlockDevice,
  ) {}

  /** Opens the area; throws RangeError for a bad offset, DiskIoError when the device cannot be opened. */
  static async open(device: string, offset: number, auth: BlockAuth, options: AreaOptions = {}): Promise<DiskArea> {
    const problem = offsetProblem(offset);
    if (problem !== undefined) throw new RangeError(`DiskArea.open(${device}): ${problem}`);
    const open = options.open ?? BlockFile.open;
    return new DiskArea(device, offset, auth, await open(device, options.log ?? (() => {})));
  }

  /** "direct" (O_DIRECT) or "sync+fadvise" (the file system refused O_DIRECT). */
  get mode(): IoMode {
    return this.file.mode;
  }

  /** The open file descriptor. */
  get fd(): number {
    return this.file.fd;
  }

  /** Raw bytes of area block `index` (0..4). */
  async readBlock(index: number): Promise<Uint8Array> {
    return this.file.readBlock(this.position(index));
  }

  /** Writes raw bytes to area block `index` (0..4). */
  async writeBlock(index: number, bytes: Uint8Array): Promise<void> {
    await this.file.writeBlock(this.position(index), bytes);
  }

  /** The header as last read and verified through this area, or undefined before the first good read. */
  verifiedHeader: Header | undefined;

  /** Reads and decodes the header (remembered in verifiedHeader when it is good). */
  async readHeader(): Promise<BlockResult<Header>> {
    const r = decodeHeader(await this.readBlock(HEADER_BLOCK), this.auth);
    if (r.kind === "ok") this.verifiedHeader = r.value;
    return r;
  }

  /** Encodes and writes the header. */
  async writeHeader(header: Header): Promise<void> {
    await this.writeBlock(HEADER_BLOCK, encodeHeader(header, this.auth.key));
  }

  /** Reads and decodes slot `slot`'s heartbeat. */
  async readSlot(slot: number): Promise<BlockResult<HeartbeatSlot>> {
    return decodeSlot(await this.readBlock(heartbeatBlock(checkSlot(slot))), slot, this.auth);
  }

  /** Encodes and writes slot `slot`'s heartbeat (only the slot's owner may). */
  async writeSlot(slot: number, state: HeartbeatSlot): Promise<void> {
    await this.writeBlock(heartbeatBlock(checkSlot(slot)), encodeSlot(state, slot, this.auth));
  }

  /** Reads and decodes slot `slot`'s mailbox. */
  async readMailbox(slot: number): Promise<BlockResult<MailboxMessage>> {
    return decodeMailbox(await this.readBlock(mailboxBlock(checkSlot(slot))), slot, this.auth);
  }

  /** Encodes and writes slot `slot`'s mailbox (only the slot owner's peer may). */
  async writeMailbox(slot: number, message: MailboxMessage): Promise<void> {
    await this.writeBlock(mailboxBlock(checkSlot(slot)), encodeMailbox(message, slot, this.auth));
  }

  /** Why the device path no longer names the opened device, or undefined. */
  async identityProblem(): Promise<string | undefined> {
    return this.file.identityProblem();
  }

  /** Closes the device; never throws. */
  async close(): Promise<void> {
    await this.file.close();
  }

  /** Absolute byte position of area block `index`; throws RangeError outside 0..4. */
  private position(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= AREA_BLOCKS) {
      throw new RangeError(`area block: expected an integer 0..${AREA_BLOCKS - 1}, got ${index}`);
    }
    return this.offset + index * BLOCK_SIZE;
  }
}

/** Returns `slot`, or throws RangeError when it is not a slot index. */
function checkSlot(slot: number): number {
  const problem = slotProblem(slot);
  if (problem !== undefined) throw new RangeError(problem);
  return slot;
}

// Opening an area for heartbeating: only when its header is this cluster's, so a wrong device or offset is never written.

/** Opens the area and checks its header; throws DiskIoError (device closed again) when either fails. */
export async function openVerifiedArea(
  device: string,
  offset: number,
  auth: BlockAuth,
  options: AreaOptions = {},
): Promise<DiskArea> {
  const area = await DiskArea.open(device, offset, auth, options);
  try {
    const header = await area.readHeader();
    if (header.kind === "ok") return area;
    const hint = header.kind === "empty" ? " (run `clusterguard disk init`)" : "";
    throw new DiskIoError(
      `no heartbeat area of cluster ${idText(auth.clusterId)} at offset ${offset} of ${device}: header ${describeRejection(header)}${hint}`,
      undefined,
    );
  } catch (error) {
    await area.close();
    throw error;
  }
}

// Everything in an area at one moment, decoded: what `disk init` checks and `disk dump` prints.

/** The decoded header, heartbeat slots and mailboxes of an area (index = slot). */
export type AreaSnapshot = {
  device: string;
  offset: number;
  mode: IoMode;
  header: BlockResult<Header>;
  slots: BlockResult<HeartbeatSlot>[];
  mailboxes: BlockResult<MailboxMessage>[];
};

/** Reads and decodes all five blocks; I/O errors reject (DiskIoError). */
export async function readSnapshot(area: DiskArea): Promise<AreaSnapshot> {
  const slots: BlockResult<HeartbeatSlot>[] = [];
  const mailboxes: BlockResult<MailboxMessage>[] = [];
  const header = await area.readHeader();
  for (let i = 0; i < SLOT_COUNT; i++) {
    slots.push(await area.readSlot(i));
    mailboxes.push(await area.readMailbox(i));
  }
  return { device: area.device, offset: area.offset, mode: area.mode, header, slots, mailboxes };
}
