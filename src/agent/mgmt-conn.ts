// One management connection: split lines, answer one request at a time, reply in order, close on oversize or refusal.
import { answerLine } from "./mgmt-answer.ts";
import type { TokenGate } from "./mgmt-auth.ts";
import { encodeReply, LineSplitter, MAX_LINE_BYTES } from "./mgmt-codec.ts";
import type { ControlHandler } from "./mgmt-protocol.ts";
import type { MgmtLog, MgmtStats } from "./mgmt-stats.ts";

/** Received request lines waiting behind a slow request (a fence can take a while); more closes the connection. */
export const MAX_PENDING_BYTES = 1024 * 1024;

/** What a connection needs from its server: the handler, the token gate (TCP only), counters and the log. */
export interface ConnContext {
  transport: "unix" | "tcp";
  handler: ControlHandler;
  gate: TokenGate | null;
  stats: MgmtStats;
  log: MgmtLog;
  /** Called once per refused token (the server rate-limits the log line). */
  unauthorized(remote: string): void;
  /** With a gate: ms from accept within which the TLS handshake and the first line must be done (default AUTH_DEADLINE_MS). */
  authDeadlineMs?: number;
}

/** How a connection talks back: ordered writes, a close after the last write, and the idle timer. */
export interface ConnPort {
  write(text: string): void;
  endAfterFlush(): void;
  /** true: (re)start the idle timer; false: a request is running, keep the connection however long it takes. */
  idle(on: boolean): void;
}

const OVERSIZE = Symbol("oversize");
type Item = string | typeof OVERSIZE;

/** Request/reply state of one connected client. */
export class MgmtConnection {
  private readonly splitter = new LineSplitter();
  private pending: Item[] = [];
  private pendingBytes = 0;
  private busy = false;
  private done = false;
  private inAction = false;
  private admitted = false;

  constructor(
    private readonly ctx: ConnContext,
    private readonly port: ConnPort,
    private readonly remote: string,
  ) {}

  /** True once a line passed the token check (at once on the Unix socket, which has no gate). */
  get authenticated(): boolean {
    return this.admitted || this.ctx.gate === null;
  }

  /** Feed bytes received from the client. */
  receive(chunk: Uint8Array): void {
    if (this.done) return;
    if (!this.inAction) this.port.idle(true);
    const { lines, oversize } = this.splitter.push(chunk);
    for (const line of lines) {
      if (line.trim() === "") continue;
      this.pending.push(line);
      this.pendingBytes += line.length;
    }
    if (oversize || this.pendingBytes > MAX_PENDING_BYTES) {
      this.pending.push(OVERSIZE);
      this.done = true;
    }
    void this.pump();
  }

  /** The client went away: drop what it still had queued. */
  closed(): void {
    this.done = true;
    this.pending = [];
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let item = this.pending.shift(); item !== undefined; item = this.pending.shift()) {
        if (item === OVERSIZE) {
          this.ctx.stats.oversize++;
          this.port.write(encodeReply({ ok: false, error: `request line longer than ${MAX_LINE_BYTES} bytes (or too many requests queued); expected one JSON request per line of at most ${MAX_LINE_BYTES} bytes; closing` }));
          this.port.endAfterFlush();
          return;
        }
        this.pendingBytes -= item.length;
        const { reply, close } = await answerLine(this.ctx, item, this.remote, {
          running: (on) => {
            this.inAction = on;
            this.port.idle(!on);
          },
          admitted: () => {
            this.admitted = true;
          },
        });
        this.port.write(encodeReply(reply));
        if (close) {
          this.done = true;
          this.pending = [];
          this.port.endAfterFlush();
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
