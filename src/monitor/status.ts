// What a service monitoring agent looks like from outside: its run state, smoothed health and recent history, and
// the events the runner reports.

import type { LogLevelName } from "./operation.ts";

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

// What the runner reports: every state change, result, health change, skip, decision and plugin log line.

/** Smoothed health: up, down, or unknown until rise/fall is first met. */
export type Health = SmaStatus["health"];

/** A failover or stop request for the daemon (on_fail escalation). */
export interface Escalation {
  agent: string;
  action: "failover" | "stop";
  reason: string;
  /** The how-manyth request of this down episode (2 and up: the earlier ones left the agent down); absent for the first. */
  repeat?: number;
}

/** One thing that happened to one agent. */
export type SmaEvent =
  | { type: "state"; agent: string; from: SmaRunState; to: SmaRunState; reason: string }
  | { type: "result"; agent: string; run: SmaRun }
  | { type: "health"; agent: string; from: Health; to: Health; reason: string }
  | { type: "skip"; agent: string; skipped: number; reason: string }
  | { type: "decision"; agent: string; action: "recover" | "failover" | "stop"; reason: string }
  | { type: "log"; agent: string; level: LogLevelName; message: string };

/** A log-friendly rendering: level, event name ("sma-health") and a one-line message. */
export function describeEvent(e: SmaEvent): {
  level: "debug" | "info" | "warning" | "error";
  event: string;
  message: string;
} {
  switch (e.type) {
    case "state":
      return {
        level: e.to === "stopped" ? "warning" : "debug",
        event: "sma-state",
        message: `${e.agent}: ${e.from} -> ${e.to} (${e.reason})`,
      };
    case "result":
      return {
        level: e.run.result === "running" ? "debug" : "warning",
        event: "sma-result",
        message: `${e.agent}: ${e.run.op} ${e.run.result}: ${e.run.reason} (${e.run.ms} ms)`,
      };
    case "health":
      return {
        level: e.to === "down" ? "error" : "info",
        event: "sma-health",
        message: `${e.agent}: health ${e.from} -> ${e.to} (${e.reason})`,
      };
    case "skip":
      return {
        level: "warning",
        event: "sma-skip",
        message: `${e.agent}: check skipped (${e.skipped} so far): ${e.reason}`,
      };
    case "decision":
      return {
        level: e.action === "recover" ? "warning" : "error",
        event: "sma-recovery",
        message: `${e.agent}: ${e.action}: ${e.reason}`,
      };
    case "log":
      return {
        level: e.level === "warn" ? "warning" : e.level,
        event: "sma-plugin",
        message: `${e.agent}: ${e.message}`,
      };
  }
}
