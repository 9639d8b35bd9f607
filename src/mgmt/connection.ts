// One management connection from accept to close, on either listener: admission (how many clients, how idle, and on
// TCP how long they may take to authenticate), one request answered at a time in order, and writes that never lose
// bytes nor buffer without limit. A connection closes on an oversize line or a refused token.
import type { Socket, SocketHandler } from "bun";
import type { Logger } from "../log/logger.ts";
import type { TokenGate } from "./auth.ts";
import {
  type ControlHandler,
  dispatch,
  encodeReply,
  label,
  LineSplitter,
  MAX_LINE_BYTES,
  parseObject,
  type Reply,
  type Request,
  validateRequest,
} from "./protocol.ts";

/** The slice of the Logger the management server needs. */
export type MgmtLog = Pick<Logger, "emit">;

/** Running totals since the server started. */
export interface MgmtStats {
  connections: number;
  /** Connections turned away because too many were open. */
  rejectedConnections: number;
  requests: number;
  /** Lines that were not a valid request (bad JSON, unknown op, bad fields). */
  malformed: number;
  /** TCP requests without the right token. */
  unauthorized: number;
  /** Lines over the length limit, or clients that queued too much. */
  oversize: number;
  /** Action requests the handler answered with an error. */
  refused: number;
}

/** All counters at zero. */
export function newStats(): MgmtStats {
  return {
    connections: 0,
    rejectedConnections: 0,
    requests: 0,
    malformed: 0,
    unauthorized: 0,
    oversize: 0,
    refused: 0,
  };
}

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
  /**
   * With a gate: ms from accept within which the TLS handshake and the first line must be done
   * (default AUTH_DEADLINE_MS).
   */
  authDeadlineMs?: number;
}

// The Bun socket handlers shared by the Unix and the TLS listener: one MgmtConnection per client, bounded in number and
// idleness, and on TCP in the time it may take to authenticate.

/** Clients served at once per listener; more are told so and closed. */
export const MAX_CONNECTIONS = 32;
/** A client that sends nothing (or never finishes a TLS handshake) for this long is closed. */
export const IDLE_SECONDS = 60;

/**
 * TCP only: the TLS handshake plus the first (authenticated) line must be done this long after accept, one
 * deadline that received bytes do not extend. The client sends its request right after the handshake (two round
 * trips); 5 s leaves room for a few TCP retransmissions on a poor path, yet hostile clients can hold the
 * MAX_CONNECTIONS slots for no longer than that.
 */
export const AUTH_DEADLINE_MS = 5000;

/** Per-socket state; undefined for a client turned away. */
export type SockData =
  | { conn: MgmtConnection; writer: SocketWriter; deadline: ReturnType<typeof setTimeout> | null }
  | undefined;

/**
 * Handlers for Bun.listen; `handshake` is set so that `open` (the idle timer, the admission deadline) runs at accept,
 * before a TLS handshake.
 */
export function socketHandlers(ctx: ConnContext): SocketHandler<SockData> {
  let active = 0;
  return {
    open(s: Socket<SockData>) {
      ctx.stats.connections++;
      if (active >= MAX_CONNECTIONS) {
        ctx.stats.rejectedConnections++;
        s.data = undefined;
        s.end(
          encodeReply({
            ok: false,
            error: `too many management connections (${MAX_CONNECTIONS} open); try again later`,
          }),
        );
        return;
      }
      active++;
      const writer = new SocketWriter(s);
      const port = {
        write: (t: string) => writer.write(t),
        endAfterFlush: () => writer.endAfterFlush(),
        idle: (on: boolean) => s.timeout(on ? IDLE_SECONDS : 0),
      };
      const remote = ctx.transport === "unix" ? "unix" : s.remoteAddress;
      const conn = new MgmtConnection(ctx, port, remote);
      const deadline =
        ctx.gate === null
          ? null
          : setTimeout(() => unauthenticatedAtDeadline(s), ctx.authDeadlineMs ?? AUTH_DEADLINE_MS);
      s.data = { conn, writer, deadline };
      s.timeout(IDLE_SECONDS);
    },
    handshake() {
      // Nothing to check: clients authenticate with the token, not with certificates.
    },
    data(s: Socket<SockData>, chunk: Buffer) {
      s.data?.conn.receive(chunk);
    },
    drain(s: Socket<SockData>) {
      s.data?.writer.drain();
    },
    timeout(s: Socket<SockData>) {
      s.end();
    },
    error() {
      // A TLS failure or a reset: `close` follows and cleans up.
    },
    close(s: Socket<SockData>) {
      const d = s.data;
      if (d === undefined) return;
      s.data = undefined;
      active--;
      if (d.deadline !== null) clearTimeout(d.deadline);
      d.writer.closedByPeer();
      d.conn.closed();
    },
  };
}

/** The admission deadline passed: drop a client not authenticated yet (no reply: it may not even speak TLS). */
function unauthenticatedAtDeadline(s: Socket<SockData>): void {
  const d = s.data;
  if (d === undefined) return;
  d.deadline = null;
  if (!d.conn.authenticated) s.terminate();
}

// One connected client: split lines, answer one request at a time, reply in order, close on oversize or refusal.

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
          this.port.write(
            encodeReply({
              ok: false,
              error: `request line longer than ${MAX_LINE_BYTES} bytes (or too many requests queued); expected one JSON request per line of at most ${MAX_LINE_BYTES} bytes; closing`,
            }),
          );
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

// Answer one request line: parse, check the token (TCP), validate, dispatch, count, and log actions.

/** The reply for `line`, and whether the connection must close after it (a refused token). */
export interface Answer {
  reply: Reply;
  close: boolean;
}

/** What the connection learns while a line is answered. */
export interface AnswerHooks {
  /** true/false brackets an action, however long the handler takes. */
  running(on: boolean): void;
  /** The line passed the token check (TCP), before anything else about it is looked at. */
  admitted(): void;
}

/**
 * Answer `line` from `remote`. With a token gate (TCP) a line that is not a JSON object carrying the token gets
 * "unauthorized" and closes the connection, malformed JSON included: nothing about a request is answered before
 * its token is checked.
 */
export async function answerLine(ctx: ConnContext, line: string, remote: string, hooks: AnswerHooks): Promise<Answer> {
  const s = ctx.stats;
  s.requests++;
  const obj = parseObject(line);
  if (ctx.gate !== null && !(obj.ok && ctx.gate.allows(obj.value.token))) {
    s.unauthorized++;
    ctx.unauthorized(remote);
    return { reply: { ok: false, error: "unauthorized" }, close: true };
  }
  hooks.admitted();
  if (!obj.ok) return rejected(ctx, obj.error);
  const req = validateRequest(obj.value);
  if (!req.ok) return rejected(ctx, req.error);
  if (readOnly(req.value)) return { reply: await dispatch(req.value, ctx.handler), close: false };
  hooks.running(true);
  const reply = await performRecorded(ctx, req.value, ctx.transport, ctx.transport === "tcp" ? remote : null);
  hooks.running(false);
  return { reply, close: false };
}

/**
 * Run an action request on the handler and record it: one `mgmt-request` event saying what was asked, through
 * which door (`via`: unix, tcp, web) and from where, and the outcome; a refusal is counted. The web console's actions
 * come through here too.
 */
export async function performRecorded(
  ctx: Pick<ConnContext, "handler" | "stats" | "log">,
  req: Request,
  via: string,
  remote: string | null,
): Promise<Reply> {
  const reply = await dispatch(req, ctx.handler);
  if (!reply.ok) ctx.stats.refused++;
  recordRequest(ctx.log, label(req), req.op, via, remote, reply);
  return reply;
}

/** The `mgmt-request` event of one action and its outcome (also for what the web console does beside the handler). */
export function recordRequest(
  log: MgmtLog,
  what: string,
  op: string,
  via: string,
  remote: string | null,
  reply: Reply,
): void {
  const from = remote === null ? "" : ` from ${remote}`;
  const outcome = reply.ok ? "done" : `refused: ${reply.error}`;
  log.emit(reply.ok ? "notice" : "warning", "mgmt-request", `${what} via ${via}${from}: ${outcome}`, {
    op,
    via,
    ok: reply.ok,
  });
}

/** Requests that change nothing: not logged, and answered without pausing the idle timer. */
export function readOnly(req: Request): boolean {
  return req.op === "status" || (req.op === "monitors" && req.action === "list");
}

function rejected(ctx: ConnContext, error: string): Answer {
  ctx.stats.malformed++;
  return { reply: { ok: false, error }, close: false };
}

// Writes to a socket without losing bytes: queue what the kernel did not take, flush on drain, bound the backlog.

/** The part of a Bun socket the writer uses (a fake in tests). */
export interface RawSocket {
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
}

/** A client that stops reading may not make the agent buffer without limit. */
export const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Ordered, backpressure-aware writes with a graceful close once everything queued has gone out. */
export class SocketWriter {
  private queue: Uint8Array[] = [];
  private backlog = 0;
  private closing = false;
  private closed = false;

  constructor(
    private readonly sock: RawSocket,
    private readonly max = MAX_BACKLOG_BYTES,
  ) {}

  /** Queue `text`; a backlog over the limit drops the connection. */
  write(text: string): void {
    if (this.closed || this.closing) return;
    const buf = Buffer.from(text, "utf8");
    if (this.queue.length === 0) {
      const n = Math.max(0, this.sock.write(buf));
      if (n >= buf.length) return;
      this.push(buf.subarray(n));
    } else this.push(buf);
    if (this.backlog > this.max) {
      this.closed = true;
      this.sock.terminate();
    }
  }

  /** The socket can take more: send what is queued, and finish a pending close. */
  drain(): void {
    while (!this.closed && this.queue.length > 0) {
      const head = this.queue[0] as Uint8Array;
      const n = Math.max(0, this.sock.write(head));
      this.backlog -= n;
      if (n < head.length) {
        this.queue[0] = head.subarray(n);
        return;
      }
      this.queue.shift();
    }
    if (this.closing && !this.closed) this.finish();
  }

  /** Close once everything queued has been written. */
  endAfterFlush(): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    if (this.queue.length === 0) this.finish();
  }

  /** The socket closed under us: forget the queue. */
  closedByPeer(): void {
    this.closed = true;
    this.queue = [];
    this.backlog = 0;
  }

  private push(b: Uint8Array): void {
    this.queue.push(b);
    this.backlog += b.length;
  }

  private finish(): void {
    this.closed = true;
    this.sock.end();
  }
}
