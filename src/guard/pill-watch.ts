// SBD's servant for this node's own slot: read the mailbox every period, report pills, pet the watchdog only while clean.
import type { MailboxRead } from "../disk/channel-options.ts";
import type { Watchdog } from "../sys/watchdog.ts";
import { BOOT_MEMORY, judgeMailbox, type PillMemory, type PillVerdict } from "./pill-judge.ts";
import { type ArmResult, isArmed } from "./watchdog-arm.ts";

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
}

/** The mailbox loop; `watchdog` is handed to a successor (the agent) by closing without disarming. */
export class PillWatch {
  private memory: PillMemory = BOOT_MEMORY;
  private timer: ReturnType<typeof setTimeout> | null = null;
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
    const v = judgeMailbox(await this.o.read(), this.memory, Date.now());
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

  /** Stop reading; the watchdog stays armed (its next owner must pet it) unless `disarm`. */
  stop(disarm: boolean): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.watchdog?.close(disarm);
    this.watchdog = null;
  }

  private armNow(arm: () => ArmResult): void {
    const r = arm();
    if (isArmed(r)) {
      this.watchdog = r;
      this.o.log("notice", "watchdog", `${r.device} armed, timeout ${r.timeoutS} s, petted while this node's mailbox reads clean`);
      this.o.check("watchdog", true, `${r.device} armed, timeout ${r.timeoutS} s`);
      return;
    }
    // A missing device or an unknown header may still come (udev, a slow disk): retried at every read, reported
    // failed after a minute of tries; any other refusal is final for this boot.
    if (!r.retry) this.armGaveUp = true;
    if (r.retry && ++this.armAttempts < ARM_TRIES_BEFORE_FAILED) return;
    if (r.error === this.lastArmError) return;
    this.lastArmError = r.error;
    this.o.log("critical", "watchdog", `${r.error}: a hung node would NOT reset itself, so the peer's poison pill cannot be trusted against it${r.retry ? " (still retrying)" : ""}`);
    this.o.check("watchdog", false, r.error);
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    await this.check();
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(), this.o.periodMs);
  }
}
