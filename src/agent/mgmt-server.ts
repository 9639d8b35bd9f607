// The management server: always the Unix socket, plus TCP+TLS with a token when tcp_listen is set.
import type { TCPSocketListener } from "bun";
import type { ManagementConfig } from "../config/types.ts";
import { TokenGate } from "./mgmt-auth.ts";
import type { ConnContext } from "./mgmt-conn.ts";
import type { SockData } from "./mgmt-listen.ts";
import type { ControlHandler } from "./mgmt-protocol.ts";
import { type MgmtLog, type MgmtStats, newStats } from "./mgmt-stats.ts";
import { listenTcp, loadTcpMaterial } from "./mgmt-tcp.ts";
import { closeUnix, listenUnix, prepareUnixPath, type UnixEndpoint } from "./mgmt-unix.ts";

/** Refused tokens are logged at most this often (the counter keeps every one). */
export const UNAUTHORIZED_LOG_EVERY_MS = 60_000;

/** A running management server. */
export interface ManagementServer {
  /** Stop both listeners, close every connection, remove the socket file. */
  stop(): void;
  /** Counters since start (shared by both endpoints). */
  stats(): MgmtStats;
  /** The TCP port actually bound (useful with port 0), or null without tcp_listen. */
  tcpPort: number | null;
}

/** Start serving `handler`; rejects with a precise Error (and leaves nothing bound) if any endpoint cannot start. */
export async function startManagement(config: ManagementConfig, handler: ControlHandler, log: MgmtLog, now: () => number = Date.now): Promise<ManagementServer> {
  const stats = newStats();
  let lastLogged = -Infinity;
  const unauthorized = (remote: string) => {
    if (now() - lastLogged < UNAUTHORIZED_LOG_EVERY_MS) return;
    lastLogged = now();
    log.emit("warning", "mgmt-unauthorized", `refused a management request from ${remote}: wrong or missing token (${stats.unauthorized} so far)`, { remote, count: stats.unauthorized });
  };
  const base = { handler, stats, log, unauthorized };
  const tcpMaterial = config.tcp_listen === undefined ? null : loadTcpMaterial(config);
  const unixCtx: ConnContext = { ...base, transport: "unix", gate: null };
  await prepareUnixPath(config.socket, unixCtx);
  const unix: UnixEndpoint = listenUnix(config.socket, unixCtx);
  let tcp: TCPSocketListener<SockData> | null = null;
  if (config.tcp_listen !== undefined && tcpMaterial !== null) {
    try {
      tcp = listenTcp(config.tcp_listen, tcpMaterial, { ...base, transport: "tcp", gate: new TokenGate(tcpMaterial.token) });
    } catch (e) {
      closeUnix(config.socket, unix);
      throw e;
    }
  }
  log.emit("info", "mgmt-listening", `management on ${config.socket}${tcp ? ` and ${config.tcp_listen} (TLS, token)` : ""}`, { socket: config.socket, tcp: config.tcp_listen ?? null });
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      tcp?.stop(true);
      closeUnix(config.socket, unix);
    },
    stats: () => ({ ...stats }),
    tcpPort: tcp?.port ?? null,
  };
}
