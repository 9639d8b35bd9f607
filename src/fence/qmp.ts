// Fence through a QEMU power device: QMP system_reset or quit over a char device (a virtio-serial port in the lab).
// Below the device: one QMP conversation, the JSON-lines reader (the lab's QEMU tools use it too), the port lookup.

import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, readSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import type { FenceAction, FenceDevice, FenceOutcome, PowerState } from "./device.ts";

/** Confirmed only by QMP's own reply to the command (or the RESET/SHUTDOWN event it causes). */
export class QmpFence implements FenceDevice {
  readonly name = "qmp";
  constructor(private readonly o: { device: string; action: FenceAction }) {}

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const command = this.o.action === "off" || action === "off" ? "quit" : "system_reset";
    const r = await qmpExchange(this.o.device, command, signal, (m) => m.event === "RESET" || m.event === "SHUTDOWN");
    if (!r.ok) return { confirmed: false, detail: r.detail };
    if ("error" in r.reply) return { confirmed: false, detail: `${command} refused: ${JSON.stringify(r.reply.error)}` };
    return {
      confirmed: true,
      detail: `${command} confirmed by QMP (${"event" in r.reply ? String(r.reply.event) : "return"})`,
    };
  }

  /** query-status: a running or paused VM is "on" (a paused one still holds the disk); no answer is "unknown". */
  async status(_target: string, signal: AbortSignal): Promise<PowerState> {
    const r = await qmpExchange(this.o.device, "query-status", signal);
    if (!r.ok) return { power: "unknown", detail: r.detail };
    const ret = r.reply.return as { status?: string } | undefined;
    if (!ret?.status) return { power: "unknown", detail: `query-status: ${JSON.stringify(r.reply)}` };
    return { power: ret.status === "shutdown" ? "off" : "on", detail: `QMP status ${ret.status}` };
  }
}

// One short QMP conversation over a char device: negotiate capabilities, send one command, await its reply.

type Message = Record<string, unknown>;
export type QmpResult = { ok: true; reply: Message } | { ok: false; detail: string };

let serial = 0;
/** Random per process: PIDs (and this counter) repeat across boots in an initrd, so pid and counter alone could match a stale reply. */
const PROCESS_TAG = Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex");

/** A message id no earlier boot or process used: `cg-<random>-<pid>-<n>`. */
export function sessionId(): string {
  return `cg-${PROCESS_TAG}-${process.pid}-${++serial}`;
}

/** Send `command`; resolve with its reply (or a message matching `alsoAccept`), or why there was none. Never rejects. */
export async function qmpExchange(
  device: string,
  command: string,
  signal: AbortSignal,
  alsoAccept: (m: Message) => boolean = () => false,
): Promise<QmpResult> {
  let fd: number;
  try {
    fd = openSync(resolvePort(device), constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, detail: `cannot open ${device}: ${(e as Error).message}` };
  }
  const lines = new QmpLines();
  const id = sessionId();
  try {
    const send = (execute: string, tag: string) =>
      writeSync(fd, `${JSON.stringify({ execute, id: `${id}-${tag}` })}\n`);
    send("qmp_capabilities", "cap");
    // "Capabilities already negotiated" is an error reply and fine: the session is in command mode.
    if (!(await awaitMessage(fd, lines, signal, (m) => m.id === `${id}-cap`)))
      return { ok: false, detail: `no QMP answer on ${device}` };
    send(command, "cmd");
    const reply = await awaitMessage(fd, lines, signal, (m) => m.id === `${id}-cmd` || alsoAccept(m));
    return reply ? { ok: true, reply } : { ok: false, detail: `no reply to ${command} on ${device}` };
  } catch (e) {
    return { ok: false, detail: `${device}: ${(e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/** Read until a message matches or the signal aborts; null on abort. */
async function awaitMessage(
  fd: number,
  lines: QmpLines,
  signal: AbortSignal,
  match: (m: Message) => boolean,
): Promise<Message | null> {
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

// QMP speaks JSON objects, one per line: split a byte stream into parsed messages, ignoring what isn't JSON.

/** Accumulates text and yields each complete JSON line as an object (junk lines are skipped). */
export class QmpLines {
  private buf = "";
  private readonly dec = new TextDecoder();

  push(chunk: Uint8Array): Record<string, unknown>[] {
    this.buf += this.dec.decode(chunk, { stream: true });
    const out: Record<string, unknown>[] = [];
    let i: number;
    while ((i = this.buf.indexOf("\n")) >= 0) {
      const line = this.buf.slice(0, i).trim();
      this.buf = this.buf.slice(i + 1);
      if (!line.startsWith("{")) continue;
      try {
        const v: unknown = JSON.parse(line);
        if (v && typeof v === "object") out.push(v as Record<string, unknown>);
      } catch {
        // a partial line from before we connected
      }
    }
    if (this.buf.length > 65536) this.buf = "";
    return out;
  }
}

// Find a virtio-serial port by name when udev has not (yet) made its /dev/virtio-ports/NAME link.

/** `device` itself when it exists; for /dev/virtio-ports/NAME, the /dev/vportNpM whose sysfs name is NAME. */
export function resolvePort(device: string, sys = "/sys/class/virtio-ports"): string {
  if (existsSync(device) || !device.startsWith("/dev/virtio-ports/")) return device;
  const want = basename(device);
  try {
    for (const port of readdirSync(sys)) {
      if (readFileSync(join(sys, port, "name"), "utf8").trim() === want) return `/dev/${port}`;
    }
  } catch {
    // no virtio-serial ports at all
  }
  return device;
}
