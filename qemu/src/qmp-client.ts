// A host-side QMP client over a unix socket: commands matched to replies by id, events collected.
import { QmpLines } from "../../src/fence/qmp.ts";

type Reply = Record<string, unknown>;

/** One QMP session. */
export class QmpClient {
  private lines = new QmpLines();
  private pending = new Map<string, (r: Reply) => void>();
  private n = 0;
  private sock: Awaited<ReturnType<typeof Bun.connect>> | null = null;
  readonly events: { at: number; event: string }[] = [];
  closed = false;

  /** Connect and leave negotiation mode. */
  static async open(path: string): Promise<QmpClient> {
    const c = new QmpClient();
    c.sock = await Bun.connect({
      unix: path,
      socket: {
        data: (_s, chunk) => c.onData(chunk),
        close: () => {
          c.closed = true;
          for (const [, res] of c.pending) res({ error: { desc: "QMP connection closed" } });
          c.pending.clear();
        },
        error: () => {},
      },
    });
    await c.cmd("qmp_capabilities");
    return c;
  }

  /** Run a command; resolves with the reply ({return} or {error}), or an error after `timeoutMs`. */
  cmd(execute: string, args?: Record<string, unknown>, timeoutMs = 10000): Promise<Reply> {
    if (this.closed || !this.sock) return Promise.resolve({ error: { desc: "QMP connection closed" } });
    const id = `lab-${++this.n}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ error: { desc: `no reply to ${execute} within ${timeoutMs} ms` } });
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.sock!.write(`${JSON.stringify({ execute, id, ...(args ? { arguments: args } : {}) })}\n`);
    });
  }

  close(): void {
    this.sock?.end();
  }

  private onData(chunk: Uint8Array): void {
    for (const m of this.lines.push(chunk)) {
      if (typeof m.event === "string") this.events.push({ at: Date.now(), event: m.event });
      const id = typeof m.id === "string" ? m.id : null;
      if (id && this.pending.has(id)) {
        this.pending.get(id)!(m);
        this.pending.delete(id);
      }
    }
  }
}
