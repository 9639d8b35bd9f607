// The TCP endpoint, kept trying in the background: its address may not be up yet (a floating IP that a
// [[resource]] brings up later, the network still starting) or be the other node's (one image, one tcp_listen).
import type { TCPSocketListener } from "bun";
import type { ManagementConfig } from "../config/types.ts";
import { TokenGate } from "./mgmt-auth.ts";
import type { ConnContext } from "./mgmt-conn.ts";
import type { SockData } from "./mgmt-listen.ts";
import { type LoggedFailure, shouldLogFailure } from "./log-limit.ts";
import type { MgmtLog } from "./mgmt-stats.ts";
import { listenTcp, loadTcpMaterial } from "./mgmt-tcp.ts";

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
    if (this.failures > 0) this.log.emit("notice", "mgmt-tcp", `management now also on ${listen} (TLS, token), after ${this.failures} failed attempt(s)`, { tcp: listen, failures: this.failures });
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
      this.log.emit("warning", "mgmt-tcp", `TCP management not available: ${reason}; the Unix socket ${this.config.socket} serves meanwhile, retrying (next in ${delay} ms, ${this.failures} failure(s) so far)`, { tcp: this.config.tcp_listen, failures: this.failures });
    }
    this.timer = setTimeout(() => this.attempt(), delay);
  }
}
