// What one read of this node's own mailbox means: a pill to report (fresh or found at boot), and whether to pet the watchdog.
import type { MailboxRead } from "../disk/channel-options.ts";
import { describeMailbox } from "../disk/describe.ts";

/** What the watcher remembers between reads. */
export interface PillMemory {
  /** No read has succeeded yet in this boot: a pill found now was there before this boot began. */
  firstRead: boolean;
  /** Identity of the pill last reported present, or null when none is pending. */
  pill: string | null;
}

/** The outcome of one read: the next memory, what to tell the core (if anything), whether to pet, what to log. */
export interface PillVerdict {
  memory: PillMemory;
  report: { present: boolean; fresh: boolean; power: "reset" | "off"; detail: string } | null;
  pet: boolean;
  note: string | null;
}

/** Judge one read. Pure: `now` is wall-clock ms, only used to describe the pill's age. */
export function judgeMailbox(read: MailboxRead, memory: PillMemory, now: number): PillVerdict {
  if (read.kind === "unavailable") return { memory, report: null, pet: false, note: `own mailbox unreadable: ${read.detail}` };
  if (read.kind !== "ok" && read.kind !== "empty") {
    // A damaged block is not a pill: the node is alive and can read its slot, so it keeps petting, and says so.
    return { memory: { ...memory, firstRead: false }, report: null, pet: true, note: `own mailbox ignored (${read.kind}): ${"detail" in read ? read.detail : ""}` };
  }
  const m = read.kind === "ok" ? read.value : null;
  if (m === null || m.type === "none" || m.type === "test") {
    const report = memory.pill !== null || memory.firstRead ? { present: false, fresh: false, power: "reset" as const, detail: "mailbox clear" } : null;
    return { memory: { firstRead: false, pill: null }, report, pet: true, note: null };
  }
  const id = `${m.sender}/${m.senderIncarnation}/${m.seq}/${m.type}`;
  if (id === memory.pill) return { memory, report: null, pet: true, note: null };
  const fresh = !memory.firstRead;
  const detail = describeMailbox(m, now);
  // A fresh pill means "go down now": no more pets, so a node that fails to reset itself is reset by its watchdog.
  return { memory: { firstRead: false, pill: id }, report: { present: true, fresh, power: m.type === "off" ? "off" : "reset", detail }, pet: !fresh, note: null };
}
