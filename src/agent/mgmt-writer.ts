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
