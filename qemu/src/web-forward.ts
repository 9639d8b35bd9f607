// The lab's forward to the web console: a TCP listener on the host's loopback that passes each connection, bytes
// untouched (TLS and all: the VM's agent terminates it), to whichever VM is ACTIVE at the time it comes in, and cuts
// it once that VM no longer is (so a browser sees the stream drop, and its next request goes to the new ACTIVE).
import { createConnection, createServer, type Socket } from "node:net";

/** Where a connection goes: the ACTIVE's address on the management network and the console's port. */
export interface ForwardTarget {
  node: string;
  host: string;
  port: number;
}

export interface ForwardOptions {
  /** The port on 127.0.0.1 (0: any free one). */
  port: number;
  /** The ACTIVE now, or null when there is none (a connection is then closed at once). */
  target: () => ForwardTarget | null;
  /** How often open connections are checked against the target (default 500 ms). */
  recheckMs?: number;
  log?: (message: string) => void;
}

export interface Forward {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** Connections open now, by the node they go to. */
  open(): string[];
  close(): Promise<void>;
}

/** Only ever loopback: the console is the host's, never the network's. */
export const FORWARD_HOST = "127.0.0.1";

const same = (a: ForwardTarget | null, b: ForwardTarget) => a?.host === b.host && a.port === b.port;

/** Listen on 127.0.0.1:`port` and forward as above; resolves once listening. */
export async function startForward(o: ForwardOptions): Promise<Forward> {
  const live = new Set<{ to: ForwardTarget; client: Socket; upstream: Socket }>();
  const log = o.log ?? (() => {});
  const server = createServer((client) => {
    const to = o.target();
    if (to === null) {
      log(`web forward: no ACTIVE node: connection from ${client.remoteAddress}:${client.remotePort} closed`);
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: to.host, port: to.port });
    const pair = { to, client, upstream };
    live.add(pair);
    const end = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", (e) => {
      log(`web forward: ${to.node} (${to.host}:${to.port}): ${e.message}`);
      end();
    });
    upstream.on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const recheck = setInterval(() => {
    const now = o.target();
    for (const p of live)
      if (!same(now, p.to)) {
        log(`web forward: ${p.to.node} is no longer ACTIVE: its connection cut`);
        p.client.destroy();
        p.upstream.destroy();
        live.delete(p);
      }
  }, o.recheckMs ?? 500);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: FORWARD_HOST, port: o.port }, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : o.port;
  return {
    port,
    open: () => [...live].map((p) => p.to.node),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(recheck);
        for (const p of live) {
          p.client.destroy();
          p.upstream.destroy();
        }
        live.clear();
        server.close(() => resolve());
      }),
  };
}
