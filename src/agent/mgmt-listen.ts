// The Bun socket handlers shared by the Unix and the TLS listener: one MgmtConnection per client, bounded in number and
// idleness, and on TCP in the time it may take to authenticate.
import type { Socket, SocketHandler } from "bun";
import { encodeReply } from "./mgmt-codec.ts";
import { type ConnContext, MgmtConnection } from "./mgmt-conn.ts";
import { SocketWriter } from "./mgmt-writer.ts";

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
export type SockData = { conn: MgmtConnection; writer: SocketWriter; deadline: ReturnType<typeof setTimeout> | null } | undefined;

/** Handlers for Bun.listen; `handshake` is set so that `open` (the idle timer, the admission deadline) runs at accept, before a TLS handshake. */
export function socketHandlers(ctx: ConnContext): SocketHandler<SockData> {
  let active = 0;
  return {
    open(s: Socket<SockData>) {
      ctx.stats.connections++;
      if (active >= MAX_CONNECTIONS) {
        ctx.stats.rejectedConnections++;
        s.data = undefined;
        s.end(encodeReply({ ok: false, error: `too many management connections (${MAX_CONNECTIONS} open); try again later` }));
        return;
      }
      active++;
      const writer = new SocketWriter(s);
      const port = { write: (t: string) => writer.write(t), endAfterFlush: () => writer.endAfterFlush(), idle: (on: boolean) => s.timeout(on ? IDLE_SECONDS : 0) };
      const remote = ctx.transport === "unix" ? "unix" : s.remoteAddress;
      const conn = new MgmtConnection(ctx, port, remote);
      const deadline = ctx.gate === null ? null : setTimeout(() => unauthenticatedAtDeadline(s), ctx.authDeadlineMs ?? AUTH_DEADLINE_MS);
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

/** The admission deadline passed: drop a client that has not authenticated yet (no reply: it may not even speak TLS). */
function unauthenticatedAtDeadline(s: Socket<SockData>): void {
  const d = s.data;
  if (d === undefined) return;
  d.deadline = null;
  if (!d.conn.authenticated) s.terminate();
}
