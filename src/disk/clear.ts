// `disk clear`: remove a pending message from a node's mailbox, as SBD's "message NODE clear" does.
import type { DiskArea } from "./area.ts";

/** What was in the mailbox and whether it was cleared. */
export type ClearResult = { cleared: boolean; before: string };

/** Overwrite slot `slot`'s mailbox with a signed "none" from `sender`; reports what it held before. */
export async function clearMailbox(area: DiskArea, slot: number, sender: string, now: number = Date.now()): Promise<ClearResult> {
  const r = await area.readMailbox(slot);
  const before = r.kind === "ok" ? `${r.value.type} from ${r.value.sender}` : r.kind;
  if (r.kind === "ok" && r.value.type === "none") return { cleared: false, before };
  await area.writeMailbox(slot, { type: "none", sender, senderIncarnation: 0, seq: now, writtenAt: now, targetIncarnation: 0 });
  return { cleared: true, before };
}
