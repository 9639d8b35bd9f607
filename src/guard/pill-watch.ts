// SBD's servant for this node's own slot: read the mailbox every period, report pills, pet the watchdog only while clean.
import type { MailboxRead } from "../disk/channel-options.ts";
import type { Watchdog } from "../sys/watchdog.ts";
import { judgeMailbox, type PillMemory, type PillVerdict } from "./pill-judge.ts";

export interface PillWatchOptions {
  read: () => Promise<MailboxRead>;
  /** Arms the watchdog (called once, after the first good read, so a slow disk at boot never resets the node). */
  arm: (() => Watchdog | string) | null;
  periodMs: number;
  report: (r: NonNullable<PillVerdict["report"]>) => void;
  log: (level: "info" | "notice" | "warning" | "error", event: string, message: string) => void;
}

/** The mailbox loop; `watchdog` is handed to a successor (the agent) by closing without disarming. */
export class PillWatch {
  private memory: PillMemory = { firstRead: true, pill: null };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: Watchdog | null = null;
  private armTried = false;
  private armAttempts = 0;
  private lastNote: string | null = null;
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
    if (v.report) this.o.report(v.report);
    if (!v.pet) return;
    if (!this.armTried && this.o.arm) this.armNow();
    this.watchdog?.pet();
  }

  /** Stop reading; the watchdog stays armed (its next owner must pet it) unless `disarm`. */
  stop(disarm: boolean): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.watchdog?.close(disarm);
    this.watchdog = null;
  }

  private armNow(): void {
    this.armTried = true;
    const w = this.o.arm?.();
    // The driver may still be loading (udev, early boot): retry a missing device for a minute of reads.
    if (typeof w === "string" && w.includes("ENOENT") && ++this.armAttempts < 60) {
      this.armTried = false;
      return;
    }
    if (typeof w === "string") return this.o.log("error", "watchdog", `${w}: a hung node will NOT reset itself; the peer's poison pill cannot be trusted`);
    if (!w) return;
    this.watchdog = w;
    this.o.log("notice", "watchdog", `${w.device} armed, timeout ${w.timeoutS} s, petted while this node's mailbox reads clean`);
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    await this.check();
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(), this.o.periodMs);
  }
}
