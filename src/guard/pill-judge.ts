// What one read of this node's own mailbox means: a pill to report (fresh or found at boot), and whether to pet the watchdog.
import type { MailboxRead } from "../disk/channel-options.ts";
import { describeMailbox } from "../disk/describe.ts";

/** What the watcher remembers between reads. */
export interface PillMemory {
  /** No read has succeeded yet in this boot: a pill found now was there before this boot began. */
  firstRead: boolean;
  /** A read has decoded the mailbox in this boot (SBD's clean start is judged): until then activation stays blocked. */
  decoded: boolean;
  /** Identity of the pill last reported present, or null when none is pending. */
  pill: string | null;
  /** The pending pill arrived while this boot ran: the watchdog is never petted again while it stays. */
  obeying: boolean;
}

/** The memory of a boot before its first read. */
export const BOOT_MEMORY: PillMemory = { firstRead: true, decoded: false, pill: null, obeying: false };

/** The outcome of one read: the next memory, what to tell the core (if anything), whether to pet, what to log. */
export interface PillVerdict {
  memory: PillMemory;
  report: { present: boolean; fresh: boolean; power: "reset" | "off"; detail: string } | null;
  pet: boolean;
  note: string | null;
  /** Until the first decoded read: why the mailbox cannot be judged (activation stays blocked); null after it. */
  unread: string | null;
}

/** Judge one read. Pure: `now` is wall-clock ms, only used to describe the pill's age. */
export function judgeMailbox(read: MailboxRead, memory: PillMemory, now: number): PillVerdict {
  const unread = (why: string) => (memory.decoded ? null : why);
  if (read.kind === "unavailable") {
    const note = `own mailbox unreadable: ${read.detail}`;
    return { memory, report: null, pet: false, note, unread: unread(note) };
  }
  if (read.kind !== "ok" && read.kind !== "empty") {
    // A damaged block is not a pill: the node is alive and can read its slot, so it keeps petting (unless it is
    // obeying a pill), and says so. Whether a pill is pending stays unknown: `disk clear` rewrites the block.
    const note = `own mailbox ignored (${read.kind}): ${"detail" in read ? read.detail : ""}`;
    return { memory: { ...memory, firstRead: false }, report: null, pet: !memory.obeying, note, unread: unread(`${note} (clusterguard disk clear rewrites it)`) };
  }
  const m = read.kind === "ok" ? read.value : null;
  if (m === null || m.type === "none" || m.type === "test") {
    const report = memory.pill !== null || !memory.decoded ? { present: false, fresh: false, power: "reset" as const, detail: "mailbox clear" } : null;
    return { memory: { firstRead: false, decoded: true, pill: null, obeying: false }, report, pet: true, note: null, unread: null };
  }
  const id = `${m.sender}/${m.senderIncarnation}/${m.seq}/${m.type}`;
  if (id === memory.pill) return { memory, report: null, pet: !memory.obeying, note: null, unread: null };
  const fresh = !memory.firstRead;
  const detail = describeMailbox(m, now);
  // A fresh pill means "go down now": no more pets while it stays, so a node that fails to reset itself is reset by its watchdog.
  return { memory: { firstRead: false, decoded: true, pill: id, obeying: fresh }, report: { present: true, fresh, power: m.type === "off" ? "off" : "reset", detail }, pet: !fresh, note: null, unread: null };
}
