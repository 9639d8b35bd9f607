// One short QMP conversation over a char device: negotiate capabilities, send one command, await its reply.
import { closeSync, constants, openSync, readSync, writeSync } from "node:fs";
import { resolvePort } from "./port-path.ts";
import { QmpLines } from "./qmp-lines.ts";

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
export async function qmpExchange(device: string, command: string, signal: AbortSignal, alsoAccept: (m: Message) => boolean = () => false): Promise<QmpResult> {
  let fd: number;
  try {
    fd = openSync(resolvePort(device), constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, detail: `cannot open ${device}: ${(e as Error).message}` };
  }
  const lines = new QmpLines();
  const id = sessionId();
  try {
    const send = (execute: string, tag: string) => writeSync(fd, `${JSON.stringify({ execute, id: `${id}-${tag}` })}\n`);
    send("qmp_capabilities", "cap");
    // "Capabilities already negotiated" is an error reply and fine: the session is in command mode.
    if (!(await awaitMessage(fd, lines, signal, (m) => m.id === `${id}-cap`))) return { ok: false, detail: `no QMP answer on ${device}` };
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
async function awaitMessage(fd: number, lines: QmpLines, signal: AbortSignal, match: (m: Message) => boolean): Promise<Message | null> {
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
