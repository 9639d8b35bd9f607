// The management server: always the Unix socket, plus TCP+TLS with a token when tcp_listen is set (retried until it
// binds). The agent serves it after boot, and the guard parked in the initrd serves it on the Unix socket alone; each
// brings its own ControlHandler.
import type { ManagementConfig } from "../config/types.ts";
import { type ConnContext, type MgmtLog, type MgmtStats, newStats } from "./connection.ts";
import type { ControlHandler } from "./protocol.ts";
import { RetryingTcp, tcpRetryDelay } from "./tcp.ts";
import { closeUnix, listenUnix, prepareUnixPath, type UnixEndpoint } from "./unix.ts";

/** Refused tokens are logged at most this often (the counter keeps every one). */
export const UNAUTHORIZED_LOG_EVERY_MS = 60_000;

/** A running management server. */
export interface ManagementServer {
  /** Stop both listeners (and the TCP retries), close every connection, remove the socket file. */
  stop(): void;
  /** Counters since start (shared by both endpoints). */
  stats(): MgmtStats;
  /** The TCP port actually bound (useful with port 0); null without tcp_listen, or while its bind is being retried. */
  readonly tcpPort: number | null;
}

/** Knobs for tests: the clock, the delay before TCP retry `attempt`, and the TCP admission deadline. */
export interface ManagementOptions {
  now?: () => number;
  tcpRetryMs?: (attempt: number) => number;
  authDeadlineMs?: number;
}

/**
 * Start serving `handler`. The Unix socket must start (else this rejects with a precise Error and nothing is
 * bound); a TCP endpoint that cannot start (TLS files, the address not up yet) is logged and retried in the
 * background, so the local admin never loses the socket over it.
 */
export async function startManagement(
  config: ManagementConfig,
  handler: ControlHandler,
  log: MgmtLog,
  opts: ManagementOptions = {},
): Promise<ManagementServer> {
  const now = opts.now ?? Date.now;
  const stats = newStats();
  let lastLogged = -Infinity;
  const unauthorized = (remote: string) => {
    if (now() - lastLogged < UNAUTHORIZED_LOG_EVERY_MS) return;
    lastLogged = now();
    log.emit(
      "warning",
      "mgmt-unauthorized",
      `refused a management request from ${remote}: wrong or missing token (${stats.unauthorized} so far)`,
      { remote, count: stats.unauthorized },
    );
  };
  const base = { handler, stats, log, unauthorized };
  const unixCtx: ConnContext = { ...base, transport: "unix", gate: null };
  await prepareUnixPath(config.socket, unixCtx);
  const unix: UnixEndpoint = listenUnix(config.socket, unixCtx);
  const listen = config.tcp_listen;
  const tcp =
    listen === undefined
      ? null
      : new RetryingTcp({ ...config, tcp_listen: listen }, { ...base, authDeadlineMs: opts.authDeadlineMs }, log, {
          now,
          delay: opts.tcpRetryMs ?? ((n) => tcpRetryDelay(n)),
        });
  const tcpUp = tcp?.attempt() ?? false;
  const also = listen === undefined ? "" : tcpUp ? ` and ${listen} (TLS, token)` : ` (TCP ${listen} not yet: retrying)`;
  log.emit("info", "mgmt-listening", `management on ${config.socket}${also}`, {
    socket: config.socket,
    tcp: listen ?? null,
  });
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      tcp?.stop();
      closeUnix(config.socket, unix);
    },
    stats: () => ({ ...stats }),
    get tcpPort() {
      return tcp?.port ?? null;
    },
  };
}
