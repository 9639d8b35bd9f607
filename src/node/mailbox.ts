// The mailboxes on the shared disk: SBD's servant for this node's own slot (read it every period, report pills, pet
// the watchdog only while clean, arm it only when it can back a pill), and the fencer taking its pill back.
import type { MailboxRead } from "../disk/channel-options.ts";
import type { Watchdog, WatchdogTerms } from "../sys/watchdog.ts";
import { describeMailbox } from "../disk/describe.ts";
import { appliedTimeoutProblem, type DiskTimers } from "../disk/header.ts";
import type { LogLevel } from "../core/actions.ts";
import { type Clock, realClock } from "../sys/clock.ts";

/** A missing device (the driver still loading) is retried at every read; after this many tries it is reported failed. */
export const ARM_TRIES_BEFORE_FAILED = 60;

export interface PillWatchOptions {
  read: () => Promise<MailboxRead>;
  /** Arms the watchdog (tried after the first good read, so a slow disk at boot never resets the node). */
  arm: (() => ArmResult) | null;
  periodMs: number;
  report: (r: NonNullable<PillVerdict["report"]>) => void;
  /** What activation waits for: the mailbox unreadable before its first decoded read; the watchdog armed, or why not. */
  check: (check: "mailbox" | "watchdog", ok: boolean, detail: string) => void;
  log: (level: "info" | "notice" | "warning" | "error" | "critical", event: string, message: string) => void;
  clock?: Clock;
  /** This boot's incarnation: a pill aimed at it is obeyed even on the first read. */
  incarnation?: () => number;
  /** A watchdog was armed, or kept armed with a problem: the boot records its terms for any later process. */
  armed?: (w: WatchdogTerms) => void;
}

/** The mailbox loop; `watchdog` is handed to a successor (the agent) by closing without disarming. */
export class PillWatch {
  private memory: PillMemory = BOOT_MEMORY;
  private cancel: (() => void) | null = null;
  private watchdog: Watchdog | null = null;
  private armGaveUp = false;
  private armAttempts = 0;
  private lastArmError: string | null = null;
  private lastNote: string | null = null;
  private lastUnread: string | null = null;
  private stopped = false;

  constructor(private readonly o: PillWatchOptions) {}

  start(): void {
    this.stopped = false;
    void this.loop();
  }

  /** One read and its consequences (exposed for tests). */
  async check(): Promise<void> {
    const v = judgeMailbox(
      await this.o.read(),
      this.memory,
      (this.o.clock ?? realClock).wall(),
      this.o.incarnation?.() ?? 0,
    );
    this.memory = v.memory;
    if (v.note !== this.lastNote && v.note !== null) this.o.log("warning", "mailbox", v.note);
    this.lastNote = v.note;
    // The pill report comes first: it also tells the core the mailbox was read, in the same step.
    if (v.report) this.o.report(v.report);
    if (v.unread !== null && v.unread !== this.lastUnread) this.o.check("mailbox", false, v.unread);
    this.lastUnread = v.unread;
    if (!v.pet) return;
    if (!this.watchdog && !this.armGaveUp && this.o.arm) this.armNow(this.o.arm);
    this.watchdog?.pet();
  }

  /** The watchdog this loop keeps armed and pets while the mailbox reads clean, or null. */
  get armed(): WatchdogTerms | null {
    return this.watchdog ? { device: this.watchdog.device, timeoutS: this.watchdog.timeoutS } : null;
  }

  /** Stop reading; the watchdog stays armed (its next owner must pet it) unless `disarm`. */
  stop(disarm: boolean): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
    this.watchdog?.close(disarm);
    this.watchdog = null;
  }

  private armNow(arm: () => ArmResult): void {
    const r = arm();
    if (isArmed(r)) {
      this.watchdog = r;
      this.o.armed?.({ device: r.device, timeoutS: r.timeoutS });
      this.o.log(
        "notice",
        "watchdog",
        `${r.device} armed, timeout ${r.timeoutS} s, petted while this node's mailbox reads clean`,
      );
      this.o.check("watchdog", true, `${r.device} armed, timeout ${r.timeoutS} s`);
      return;
    }
    if ("watchdog" in r) {
      // Too long for the header's msgwait, yet never disarmed: it may be the one the guard handed over, running since
      // activation. It stays armed and petted; the slot shows its timeout, so the peer's pill is not counted against it.
      this.watchdog = r.watchdog;
      this.armGaveUp = true;
      this.o.armed?.({ device: r.watchdog.device, timeoutS: r.watchdog.timeoutS });
      this.o.log(
        "critical",
        "watchdog",
        `${r.error}; kept armed and petted (never disarmed), and this node's slot shows its timeout: the peer's poison pill will not count as a fence against this boot`,
      );
      this.o.check("watchdog", false, r.error);
      return;
    }
    // A missing device or an unknown header may still come (udev, a slow disk): retried at every read, reported
    // failed after a minute of tries; any other refusal is final for this boot.
    if (!r.retry) this.armGaveUp = true;
    if (r.retry && ++this.armAttempts < ARM_TRIES_BEFORE_FAILED) return;
    if (r.error === this.lastArmError) return;
    this.lastArmError = r.error;
    this.o.log(
      "critical",
      "watchdog",
      `${r.error}: a hung node would NOT reset itself, so the peer's poison pill cannot be trusted against it${r.retry ? " (still retrying)" : ""}`,
    );
    this.o.check("watchdog", false, r.error);
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    await this.check();
    if (!this.stopped) this.cancel = (this.o.clock ?? realClock).after(this.o.periodMs, () => void this.loop());
  }
}

// What one read of this node's own mailbox means: a pill to report (fresh or found at boot), and whether to pet the watchdog.
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
export function judgeMailbox(read: MailboxRead, memory: PillMemory, now: number, myIncarnation = 0): PillVerdict {
  const unread = (why: string) => (memory.decoded ? null : why);
  if (read.kind === "unavailable") {
    const note = `own mailbox unreadable: ${read.detail}`;
    return { memory, report: null, pet: false, note, unread: unread(note) };
  }
  if (read.kind !== "ok" && read.kind !== "empty") {
    // A damaged block is not a pill: the node is alive and can read its slot, so it keeps petting (unless it is
    // obeying a pill), and says so. Whether a pill is pending stays unknown: `disk clear` rewrites the block.
    const note = `own mailbox ignored (${read.kind}): ${"detail" in read ? read.detail : ""}`;
    return {
      memory: { ...memory, firstRead: false },
      report: null,
      pet: !memory.obeying,
      note,
      unread: unread(`${note} (clusterguard disk clear rewrites it)`),
    };
  }
  const m = read.kind === "ok" ? read.value : null;
  if (m === null || m.type === "none" || m.type === "test") {
    const report =
      memory.pill !== null || !memory.decoded
        ? { present: false, fresh: false, power: "reset" as const, detail: "mailbox clear" }
        : null;
    return {
      memory: { firstRead: false, decoded: true, pill: null, obeying: false },
      report,
      pet: true,
      note: null,
      unread: null,
    };
  }
  const id = `${m.sender}/${m.senderIncarnation}/${m.seq}/${m.type}`;
  if (id === memory.pill) return { memory, report: null, pet: !memory.obeying, note: null, unread: null };
  // Fresh: written while this boot ran, or aimed at this very boot (written after it started, before its first read
  // got through, e.g. while the disk was slow to come up): such a pill is obeyed, not taken for a leftover.
  const fresh = !memory.firstRead || (myIncarnation !== 0 && m.targetIncarnation === myIncarnation);
  const detail = describeMailbox(m, now);
  // A fresh pill means "go down now": no more pets while it stays, so a node that fails to reset itself is reset by its watchdog.
  return {
    memory: { firstRead: false, decoded: true, pill: id, obeying: fresh },
    report: { present: true, fresh, power: m.type === "off" ? "off" : "reset", detail },
    pet: !fresh,
    note: null,
    unread: null,
  };
}

// Arm the watchdog only when it can back the peer's poison pill: 2 x its applied timeout within the header's msgwait.
/**
 * An armed watchdog that backs the peer's pill; or one armed whose applied timeout is too long for the header's
 * msgwait (kept armed: see armForPill); or why none was armed and whether trying again later may help.
 */
export type ArmResult =
  | Watchdog
  | { error: string; retry: false; watchdog: Watchdog }
  | { error: string; retry: boolean };

/** True when `r` is an armed watchdog that fits msgwait. */
export function isArmed(r: ArmResult): r is Watchdog {
  return !("error" in r);
}

/**
 * Open through `open` and check its applied timeout against `header`'s msgwait. A watchdog that does not fit is NOT
 * disarmed: the device may already have been running (the guard hands its watchdog to the agent running), and a
 * magic close would leave a node that was promised to reset itself unarmed. It is returned with the problem; the
 * timeout the node's slot shows tells the peer its pill cannot be counted against it (docs/design.md, row 18.1).
 */
export function armForPill(open: () => Watchdog | string, header: DiskTimers | undefined): ArmResult {
  if (!header) return { error: "watchdog not armed: the disk header (its msgwait) has not been read yet", retry: true };
  const w = open();
  if (typeof w === "string") return { error: w, retry: w.includes("ENOENT") };
  const problem = appliedTimeoutProblem(w.timeoutS, header.msgwaitMs);
  if (problem === undefined) return w;
  return { error: `${w.device}: ${problem}`, retry: false, watchdog: w };
}

// When the fencer may take its poison pill back: once per peer incarnation heard, never while a fence is in flight,
// and again after a failure until the check has run through.
export interface PillClearOptions {
  /** Check the peer's mailbox for this incarnation and clear our served pill: what was done, or null; throws on I/O errors. */
  clear(peerIncarnation: number): Promise<string | null>;
  /** True while this node fences its peer: its pill must stay where it is until the fence has finished. */
  fencing(): boolean;
  log(level: LogLevel, event: string, message: string, fields?: Record<string, unknown>): void;
  /** First delay before trying a failed check again (doubles up to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
  clock?: Clock;
}

/**
 * A peer incarnation counts as handled only once its check ran through (a pill cleared, or nothing to clear): a
 * failed read or write is tried again, with backoff. A check due while a fence is in flight waits for fenceDone().
 */
export class PillClear {
  private heard = 0;
  private checked = 0;
  private running = false;
  private cancel: (() => void) | null = null;
  private failures = 0;
  private stopped = false;

  constructor(private readonly o: PillClearOptions) {}

  /** A frame or disk slot of the peer's incarnation `inc` was accepted (0: unknown, ignored). */
  seen(inc: number): void {
    if (inc === 0) return;
    this.heard = inc;
    this.kick();
  }

  /** This node's fence of the peer has finished: run a check that waited for it. */
  fenceDone(): void {
    this.kick();
  }

  /** The incarnation whose check last ran through (0: none yet). */
  get handled(): number {
    return this.checked;
  }

  /** No more checks or retries. */
  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
  }

  private kick(): void {
    if (this.stopped || this.running || this.cancel || this.heard === this.checked || this.o.fencing()) return;
    const inc = this.heard;
    this.running = true;
    this.o
      .clear(inc)
      .then(
        (done) => {
          this.checked = inc;
          this.failures = 0;
          if (done) this.o.log("notice", "pill-cleared", done, { peerIncarnation: inc });
        },
        (e) => {
          const ms = Math.min((this.o.retryMs ?? 1000) * 2 ** this.failures++, this.o.maxRetryMs ?? 30000);
          this.o.log(
            "warning",
            "pill-clear",
            `could not check the peer's mailbox for incarnation ${inc}: ${e instanceof Error ? e.message : String(e)}; trying again in ${ms} ms`,
            { peerIncarnation: inc },
          );
          if (!this.stopped) {
            this.cancel = (this.o.clock ?? realClock).after(ms, () => {
              this.cancel = null;
              this.kick();
            });
          }
        },
      )
      .finally(() => {
        this.running = false;
        this.kick();
      });
  }
}
