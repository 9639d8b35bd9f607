// Test helpers for the management server: a temp dir, a started server with a fake handler, a raw line client, a
// self-signed cert.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "bun";
import { type ManagementOptions, type ManagementServer, startManagement } from "../../src/mgmt/server.ts";
import type { ManagementConfig } from "../../src/config/types.ts";
import type { LogEvent } from "../../src/log/event.ts";
import { Logger } from "../../src/log/logger.ts";
import { FakeHandler } from "./fake.ts";

/** A fresh private directory under /tmp; the caller removes it. */
export function tempDir(prefix = "cg-mgmt-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A running server with its recording handler and the events it logged. */
export interface Running {
  server: ManagementServer;
  handler: FakeHandler;
  events: LogEvent[];
}

/** Start a server on `config` with a FakeHandler. */
export async function serve(config: ManagementConfig, opts: ManagementOptions = {}): Promise<Running> {
  const handler = new FakeHandler();
  const events: LogEvent[] = [];
  const server = await startManagement(config, handler, new Logger("a", [(e) => events.push(e)]), opts);
  return { server, handler, events };
}

/** Where a raw client connects. */
export type Where =
  | { unix: string }
  | {
      hostname: string;
      port: number;
      tls?: { ca?: string; rejectUnauthorized?: boolean; serverName?: string } | false;
    };

/** A raw line client: send text, await reply lines, see whether the server closed. */
export class LineClient {
  private buf = "";
  private lines: string[] = [];
  private waiters: (() => void)[] = [];
  closed = false;
  /** Every byte received, for "nothing useful" checks. */
  raw = "";
  private sock: Socket<undefined> | null = null;

  /** Connect to `where`; resolves once `open` ran (for TLS: after the handshake; earlier writes would be lost). */
  static async open(where: Where): Promise<LineClient> {
    const c = new LineClient();
    let opened: () => void = () => {};
    const ready = new Promise<void>((r) => {
      opened = r;
    });
    const socket = {
      open: () => opened(),
      data: (_s: Socket<undefined>, d: Buffer) => c.received(d.toString("latin1")),
      close: () => c.ended(),
      error: () => c.ended(),
    };
    c.sock =
      "unix" in where
        ? await Bun.connect({ unix: where.unix, socket })
        : await Bun.connect({
            hostname: where.hostname,
            port: where.port,
            tls: where.tls === false ? undefined : (where.tls ?? true),
            socket,
          });
    await Promise.race([ready, Bun.sleep(2000)]);
    return c;
  }

  /** Send raw text (add the newline yourself). */
  send(text: string | Uint8Array): void {
    this.sock?.write(text);
  }

  /** The next reply line as JSON; rejects after `ms` or when the server closes first. */
  async next(ms = 3000): Promise<{ ok: boolean; error?: string; result?: unknown }> {
    const end = Date.now() + ms;
    while (this.lines.length === 0) {
      if (this.closed)
        throw new Error(`server closed the connection; received so far: ${JSON.stringify(this.raw.slice(0, 200))}`);
      if (Date.now() > end) throw new Error(`no reply within ${ms} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
    return JSON.parse(this.lines.shift() as string);
  }

  /** Wait until the server has closed the connection (or `ms` passes). */
  async waitClosed(ms = 3000): Promise<boolean> {
    const end = Date.now() + ms;
    while (!this.closed && Date.now() < end) await Bun.sleep(10);
    return this.closed;
  }

  /** Close from our side. */
  end(): void {
    this.sock?.end();
  }

  private received(s: string): void {
    this.raw += s;
    this.buf += s;
    for (let nl = this.buf.indexOf("\n"); nl !== -1; nl = this.buf.indexOf("\n")) {
      this.lines.push(Buffer.from(this.buf.slice(0, nl), "latin1").toString("utf8"));
      this.buf = this.buf.slice(nl + 1);
    }
    this.wake();
  }
  private ended(): void {
    this.closed = true;
    this.wake();
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** One request line, one reply. */
export async function ask(where: Where, line: string): Promise<{ ok: boolean; error?: string; result?: unknown }> {
  const c = await LineClient.open(where);
  try {
    c.send(`${line}\n`);
    return await c.next();
  } finally {
    c.end();
  }
}

export { selfSignedCert } from "../helpers/tls.ts";
