// What a service monitoring agent looks like from outside: its run state, smoothed health and recent history.

/** keepalived's check run states, plus paused (by an admin) and stopped (fatal, waiting for an admin). */
export type SmaRunState = "idle" | "running" | "terminating" | "paused" | "stopped";

/** OCF-style result classes of one monitor run. */
export type SmaResultKind = "running" | "not-running" | "soft-error" | "hard-error" | "fatal";

/** One finished monitor (or recover) run. */
export interface SmaRun {
  /** ISO time the run ended. */
  at: string;
  /** "monitor" or "recover"; "validate" when the parameters were checked (at start and on resume). */
  op: "monitor" | "recover" | "validate";
  result: SmaResultKind;
  reason: string;
  ms: number;
}

/** One agent's state, as `clusterguard status` and `clusterguard agents` show it. */
export interface SmaStatus {
  name: string;
  plugin: string;
  state: SmaRunState;
  /** After rise/fall smoothing: up, down, or unknown until rise/fall is first met. */
  health: "up" | "down" | "unknown";
  consecutiveOk: number;
  consecutiveFail: number;
  /** Recoveries within the current restart_window. */
  restartsInWindow: number;
  /** Most recent runs, newest last (bounded). */
  history: SmaRun[];
  /** Checks skipped because the previous run was still running or terminating. */
  skipped?: number;
  /** The last failover/stop request this agent made, if any. */
  lastEscalation?: { at: string; action: "failover" | "stop"; reason: string };
}
