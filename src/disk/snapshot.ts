// Everything in an area at one moment, decoded: what `disk init` checks and `disk dump` prints.

import type { IoMode } from "./aligned-io.ts";
import type { DiskArea } from "./area.ts";
import type { Header } from "./header.ts";
import { SLOT_COUNT } from "./layout.ts";
import type { MailboxMessage } from "./mailbox.ts";
import type { BlockResult } from "./result.ts";
import type { HeartbeatSlot } from "./slot.ts";

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
