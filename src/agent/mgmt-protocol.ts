// The management protocol: one JSON request per line, one JSON reply per line (Unix socket, or TCP+TLS with a token).
import type { StatusReport } from "./report.ts";
import type { SmaStatus } from "../sma/status.ts";

/** What a client may ask. `token` is required on TCP, ignored on the Unix socket (root-only by mode 0600). */
export type Request =
  | { op: "status"; token?: string }
  | { op: "takeover"; token?: string }
  | { op: "standby"; token?: string }
  | { op: "fence"; target: string; confirm: true; token?: string }
  | { op: "agents"; action: "list" | "pause" | "resume"; name?: string; token?: string };

/** Every reply: ok with a result, or an error that says what was wrong. */
export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: string };

/** What the agent daemon does for each request; the server only parses, authorises and dispatches. */
export interface ControlHandler {
  status(): StatusReport;
  /** Ask to become ACTIVE (only meaningful on a STANDBY: refused with a reason otherwise). */
  takeover(): Promise<Reply<string>>;
  /** Planned switchover: this ACTIVE hands over cleanly to the peer. */
  standby(): Promise<Reply<string>>;
  /** Fence `target` now through the configured levels. */
  fence(target: string): Promise<Reply<string>>;
  agents(action: "list" | "pause" | "resume", name?: string): Promise<Reply<SmaStatus[]>>;
}
