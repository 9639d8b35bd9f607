// Fence through a QEMU power device: QMP system_reset or quit over a char device (a virtio-serial port in the lab).
import { closeSync, constants, openSync, readSync, writeSync } from "node:fs";
import type { FenceAction, FenceAgent, FenceOutcome } from "./agent.ts";
import { resolvePort } from "./port-path.ts";
import { QmpLines } from "./qmp-lines.ts";

let serial = 0;

/** Confirmed only by QMP's own reply to the command (or the RESET/SHUTDOWN event it causes). */
export class QmpFenceAgent implements FenceAgent {
  readonly name = "qmp";
  constructor(private readonly o: { device: string; action: FenceAction }) {}

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const command = (this.o.action === "off" || action === "off") ? "quit" : "system_reset";
    let fd: number;
    try {
      fd = openSync(resolvePort(this.o.device), constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch (e) {
      return { confirmed: false, detail: `cannot open ${this.o.device}: ${(e as Error).message}` };
    }
    const lines = new QmpLines();
    const id = `cg-${process.pid}-${++serial}`;
    try {
      const send = (execute: string, tag: string) => writeSync(fd, `${JSON.stringify({ execute, id: `${id}-${tag}` })}\n`);
      send("qmp_capabilities", "cap");
      const cap = await this.await(fd, lines, signal, (m) => m.id === `${id}-cap`);
      // "Capabilities already negotiated" is an error reply and fine: the session is in command mode.
      if (!cap) return { confirmed: false, detail: `no QMP answer on ${this.o.device}` };
      send(command, "cmd");
      const reply = await this.await(fd, lines, signal, (m) => m.id === `${id}-cmd` || m.event === "RESET" || m.event === "SHUTDOWN");
      if (!reply) return { confirmed: false, detail: `no reply to ${command} on ${this.o.device}` };
      if ("error" in reply) return { confirmed: false, detail: `${command} refused: ${JSON.stringify(reply.error)}` };
      return { confirmed: true, detail: `${command} confirmed by QMP (${"event" in reply ? String(reply.event) : "return"})` };
    } catch (e) {
      return { confirmed: false, detail: `${this.o.device}: ${(e as Error).message}` };
    } finally {
      closeSync(fd);
    }
  }

  /** Read until a message matches or the signal aborts; null on abort. */
  private async await(fd: number, lines: QmpLines, signal: AbortSignal, match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | null> {
    const buf = new Uint8Array(4096);
    while (!signal.aborted) {
      let n = 0;
      try {
        n = readSync(fd, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      }
      if (n > 0) {
        const hit = lines.push(buf.subarray(0, n)).find(match);
        if (hit) return hit;
      } else await Bun.sleep(10);
    }
    return null;
  }
}
