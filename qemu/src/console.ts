// A VM's serial console: every line timestamped with the host clock into a log, and parsed into lab events.
import { appendFileSync } from "node:fs";

export interface ConsoleEvent {
  at: number;
  kind: "guard" | "ack" | "mount" | "kernel" | "prompt";
  node?: string;
  event?: string;
  role?: string;
  message: string;
  n?: number;
  boot?: string;
}

const GUARD = /clusterguard: (\w+) ([\w-]+)(?: \[(\w+)\])?: (.*)$/;
const ACK = /workload: ACK node=(\w+) boot=(\w+) n=(\d+)/;
/** The shared root is the first partition of the shared disk (the other two are /var/lib/lab and /boot/efi). */
const MOUNT = /EXT4-fs \((vda1)\): mounted filesystem/;
const BANNER = /Linux version \d/;
/** The lab image's root shell on the console (qemu/files/autologin.conf) is ready for `lab exec`. */
const PROMPT = /root@[\w.-]+:[^#\n]*# /;

/** Parse one console line; null when it is nothing the lab follows. */
export function parseConsole(line: string, at: number): ConsoleEvent | null {
  let m = GUARD.exec(line);
  if (m) return { at, kind: "guard", node: m[1]!, event: m[2]!, ...(m[3] ? { role: m[3] } : {}), message: m[4]! };
  m = ACK.exec(line);
  if (m) return { at, kind: "ack", node: m[1]!, boot: m[2]!, n: Number(m[3]), message: line.trim() };
  if (MOUNT.test(line)) return { at, kind: "mount", message: line.trim() };
  if (BANNER.test(line)) return { at, kind: "kernel", message: "kernel banner" };
  return null;
}

/** Splits console bytes into lines, writes them timestamped to `logPath`, reports parsed events. */
export class ConsoleLog {
  private buf = "";
  private readonly dec = new TextDecoder();
  constructor(
    private readonly logPath: string,
    private readonly onEvent: (e: ConsoleEvent) => void,
  ) {}

  private promptSeen = false;

  /** What the console shows that no newline has ended yet: a full-screen menu waiting for a key (systemd-boot's). */
  pending(): string {
    return this.buf;
  }

  push(chunk: Uint8Array): void {
    this.buf += this.dec.decode(chunk, { stream: true });
    // The prompt ends no line of its own until more output comes: look for it in what is still buffered too.
    const prompt = PROMPT.test(this.buf);
    if (prompt && !this.promptSeen) this.onEvent({ at: Date.now(), kind: "prompt", message: "root shell prompt" });
    this.promptSeen = prompt;
    let i: number;
    while ((i = this.buf.search(/\r?\n/)) >= 0) {
      const line = this.buf.slice(0, i).replace(/\r/g, "");
      this.buf = this.buf.slice(i + 1).replace(/^\n/, "");
      const at = Date.now();
      appendFileSync(this.logPath, `${new Date(at).toISOString()} ${line}\n`);
      const e = parseConsole(line, at);
      if (e) this.onEvent(e);
    }
  }
}
