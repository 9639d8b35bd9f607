// What a service monitor looks like from outside: its run state, smoothed health and recent history, and
// the events the runner reports.

import type { LogLevelName } from "./operation.ts";

/** keepalived's check run states, plus paused (by an admin) and stopped (fatal, waiting for an admin). */
export type MonitorRunState = "idle" | "running" | "terminating" | "paused" | "stopped";

/** OCF-style result classes of one monitor run. */
export type MonitorResultKind = "running" | "not-running" | "soft-error" | "hard-error" | "fatal";

/** One finished monitor (or recover) run. */
export interface MonitorRun {
  /** ISO time the run ended. */
  at: string;
  /** "monitor" or "recover"; "validate" when the parameters were checked (at start and on resume). */
  op: "monitor" | "recover" | "validate";
  result: MonitorResultKind;
  reason: string;
  ms: number;
}

/** One monitor's state, as `clusterguard status` and `clusterguard monitors` show it. */
export interface MonitorStatus {
  name: string;
  plugin: string;
  state: MonitorRunState;
  /** After rise/fall smoothing: up, down, or unknown until rise/fall is first met. */
  health: "up" | "down" | "unknown";
  consecutiveOk: number;
  consecutiveFail: number;
  /** Recoveries within the current restart_window. */
  restartsInWindow: number;
  /** Most recent runs, newest last (bounded). */
  history: MonitorRun[];
  /** Checks skipped because the previous run was still running or terminating. */
  skipped?: number;
  /** The last failover/stop request this monitor made, if any. */
  lastEscalation?: { at: string; action: "failover" | "stop"; reason: string };
}

// What the runner reports: every state change, result, health change, skip, decision and plugin log line.

/** Smoothed health: up, down, or unknown until rise/fall is first met. */
export type Health = MonitorStatus["health"];

/** A failover or stop request for the daemon (on_fail escalation). */
export interface Escalation {
  monitor: string;
  action: "failover" | "stop";
  reason: string;
  /** The how-manyth request of this down episode (2 and up: the earlier ones left the service down); absent for the first. */
  repeat?: number;
}

/** One thing that happened to one monitor. */
export type MonitorEvent =
  | { type: "state"; monitor: string; from: MonitorRunState; to: MonitorRunState; reason: string }
  | { type: "result"; monitor: string; run: MonitorRun }
  | { type: "health"; monitor: string; from: Health; to: Health; reason: string }
  | { type: "skip"; monitor: string; skipped: number; reason: string }
  | { type: "decision"; monitor: string; action: "recover" | "failover" | "stop"; reason: string }
  | { type: "log"; monitor: string; level: LogLevelName; message: string };

/** A log-friendly rendering: level, event name ("monitor-health") and a one-line message. */
export function describeEvent(e: MonitorEvent): {
  level: "debug" | "info" | "warning" | "error";
  event: string;
  message: string;
} {
  switch (e.type) {
    case "state":
      return {
        level: e.to === "stopped" ? "warning" : "debug",
        event: "monitor-state",
        message: `${e.monitor}: ${e.from} -> ${e.to} (${e.reason})`,
      };
    case "result":
      return {
        level: e.run.result === "running" ? "debug" : "warning",
        event: "monitor-result",
        message: `${e.monitor}: ${e.run.op} ${e.run.result}: ${e.run.reason} (${e.run.ms} ms)`,
      };
    case "health":
      return {
        level: e.to === "down" ? "error" : "info",
        event: "monitor-health",
        message: `${e.monitor}: health ${e.from} -> ${e.to} (${e.reason})`,
      };
    case "skip":
      return {
        level: "warning",
        event: "monitor-skip",
        message: `${e.monitor}: check skipped (${e.skipped} so far): ${e.reason}`,
      };
    case "decision":
      return {
        level: e.action === "recover" ? "warning" : "error",
        event: "monitor-recovery",
        message: `${e.monitor}: ${e.action}: ${e.reason}`,
      };
    case "log":
      return {
        level: e.level === "warn" ? "warning" : e.level,
        event: "monitor-plugin",
        message: `${e.monitor}: ${e.message}`,
      };
  }
}
