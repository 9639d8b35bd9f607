// The optional remote endpoint: TCP with TLS, every request carrying the token from token_file. It is kept trying in
// the background: its address may not be up yet (a floating IP that a [[resource]] brings up later, the network still
// starting) or be the other node's (one image, one tcp_listen).
import { backoffMs } from "../channels/health.ts";
import { readFileSync } from "node:fs";
import type { TCPSocketListener } from "bun";
import type { ManagementConfig } from "../config/types.ts";
import { type LoggedFailure, shouldLogFailure } from "../log/limit.ts";
import { readToken, TokenGate } from "./auth.ts";
import { type ConnContext, type MgmtLog, socketHandlers, type SockData } from "./connection.ts";

/** Split "host:port" or "[v6]:port" (port 0 picks a free port: tests only, the config refuses it). */
export function parseListen(s: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(s);
  const port = Number(m?.[3]);
  if (m === null || port > 65535)
    throw new Error(`management.tcp_listen = ${JSON.stringify(s)}: expected "host:port" or "[ipv6]:port"`);
  return { hostname: m[1] ?? m[2] ?? "", port };
}

/** Everything TLS needs, read once at start; each missing or unreadable piece is named. */
export function loadTcpMaterial(c: ManagementConfig): { cert: string; key: string; token: string } {
  const need = (key: "token_file" | "tls_cert" | "tls_key"): string => {
    const v = c[key];
    if (v === undefined)
      throw new Error(
        `management.${key} is not set; expected an absolute path (required because management.tcp_listen is set)`,
      );
    return v;
  };
  const read = (key: "tls_cert" | "tls_key"): string => {
    const path = need(key);
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      throw new Error(
        `management.${key} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a PEM file`,
      );
    }
  };
  return { token: readToken(need("token_file")), cert: read("tls_cert"), key: read("tls_key") };
}

/** Listen on `tcp_listen` with TLS; `ctx.gate` must already hold the token. */
export function listenTcp(
  listen: string,
  tls: { cert: string; key: string },
  ctx: ConnContext,
): TCPSocketListener<SockData> {
  const { hostname, port } = parseListen(listen);
  try {
    return Bun.listen<SockData>({ hostname, port, tls: { cert: tls.cert, key: tls.key }, socket: socketHandlers(ctx) });
  } catch (e) {
    throw new Error(
      `cannot listen on ${listen} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ${(e as Error).message}`,
    );
  }
}

// When the TCP endpoint tries again after a failed start.

/** ms before retry `attempt` (1 = the first retry): from `baseMs` doubling up to `maxMs`. */
export function tcpRetryDelay(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  return backoffMs(Math.max(0, attempt - 1), baseMs, maxMs);
}

/** How retries are paced and timed (tests shorten them). */
export interface RetryOptions {
  now: () => number;
  /** ms before retry `attempt` (1 = the first retry). */
  delay: (attempt: number) => number;
}

/** One TCP endpoint that binds when it can: each failure logged (rate-limited), retried until stop(). */
export class RetryingTcp {
  private listener: TCPSocketListener<SockData> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private logged: LoggedFailure | null = null;
  private stopped = false;

  constructor(
    private readonly config: ManagementConfig & { tcp_listen: string },
    private readonly base: Omit<ConnContext, "transport" | "gate">,
    private readonly log: MgmtLog,
    private readonly opts: RetryOptions,
  ) {}

  /** Try to bind now; on failure schedule the next try. True when listening. */
  attempt(): boolean {
    this.timer = null;
    if (this.stopped || this.listener !== null) return this.listener !== null;
    const listen = this.config.tcp_listen;
    try {
      const m = loadTcpMaterial(this.config);
      this.listener = listenTcp(listen, m, { ...this.base, transport: "tcp", gate: new TokenGate(m.token) });
    } catch (e) {
      this.failed((e as Error).message);
      return false;
    }
    if (this.failures > 0)
      this.log.emit(
        "notice",
        "mgmt-tcp",
        `management now also on ${listen} (TLS, token), after ${this.failures} failed attempt(s)`,
        { tcp: listen, failures: this.failures },
      );
    return true;
  }

  /** The bound port, or null while not listening. */
  get port(): number | null {
    return this.listener?.port ?? null;
  }

  /** Stop listening and retrying. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.listener?.stop(true);
    this.listener = null;
  }

  private failed(reason: string): void {
    this.failures += 1;
    const delay = this.opts.delay(this.failures);
    const now = this.opts.now();
    if (shouldLogFailure(this.logged, reason, now)) {
      this.logged = { reason, at: now };
      this.log.emit(
        "warning",
        "mgmt-tcp",
        `TCP management not available: ${reason}; the Unix socket ${this.config.socket} serves meanwhile, retrying (next in ${delay} ms, ${this.failures} failure(s) so far)`,
        { tcp: this.config.tcp_listen, failures: this.failures },
      );
    }
    this.timer = setTimeout(() => this.attempt(), delay);
  }
}
