// `disk dump`-style text of an area: one line for the device, the header, each slot and each mailbox.

import type { DiskArea } from "./area.ts";
import { formatAge } from "./age.ts";
import { idText } from "./block.ts";
import type { Header } from "./header.ts";
import type { MailboxMessage } from "./mailbox.ts";
import type { BlockResult } from "./result.ts";
import type { HeartbeatSlot } from "./slot.ts";
import type { AreaSnapshot } from "./snapshot.ts";
import { readSnapshot } from "./snapshot.ts";

/** One line for a decode result: its text when ok, else "<kind>: <detail>". */
function line<T>(result: BlockResult<T>, text: (value: T) => string): string {
  return result.kind === "ok" ? text(result.value) : result.kind === "empty" ? "empty" : `${result.kind}: ${result.detail}`;
}

function headerText(h: Header): string {
  const t = h.timers;
  return `cluster ${idText(h.clusterId)}, layout ${h.version}, ${h.slotCount} slots of ${h.blockSize} bytes, keepalive ${t.keepaliveMs} ms, deadtime ${t.deadtimeMs} ms, msgwait ${t.msgwaitMs} ms, watchdog ${t.watchdogTimeoutMs} ms, created ${new Date(h.createdAt).toISOString()}`;
}

function slotText(s: HeartbeatSlot, now: number): string {
  return `node ${s.node}, ${s.role}, incarnation ${s.incarnation}, seq ${s.seq}, written ${formatAge(s.writtenAt, now)}, uptime ${(s.uptimeMs / 1000).toFixed(1)} s`;
}

/** One mailbox message as text: type, sender, when, and which boot of the owner it was meant for. */
export function describeMailbox(m: MailboxMessage, now: number): string {
  const target = m.targetIncarnation ? `, for incarnation ${m.targetIncarnation}` : "";
  return `${m.type} from ${m.sender} (incarnation ${m.senderIncarnation}, seq ${m.seq}${target}), written ${formatAge(m.writtenAt, now)}`;
}

/** The snapshot as text lines (no trailing newline). */
export function describeSnapshot(s: AreaSnapshot, now: number): string {
  const lines = [`${s.device} at offset ${s.offset} (${s.mode === "direct" ? "O_DIRECT" : "O_SYNC + fadvise, O_DIRECT refused"})`];
  lines.push(`header: ${line(s.header, headerText)}`);
  s.slots.forEach((slot, i) => {
    lines.push(`slot ${i} heartbeat: ${line(slot, (v) => slotText(v, now))}`);
    const mailbox = s.mailboxes[i];
    if (mailbox) lines.push(`slot ${i} mailbox: ${line(mailbox, (v) => describeMailbox(v, now))}`);
  });
  return lines.join("\n");
}

/** Reads the area and describes it, as `clusterguard disk dump` prints it. */
export async function describeArea(area: DiskArea, now: number = Date.now()): Promise<string> {
  return describeSnapshot(await readSnapshot(area), now);
}
