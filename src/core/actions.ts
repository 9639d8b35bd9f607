// What the core asks the shell to do: plain data, performed at the edges.
import type { MessageType, Outcome, Role } from "./types.ts";

export type LogLevel = "debug" | "info" | "notice" | "warning" | "error" | "critical";

/** Send one heartbeat (carrying the current role) on every channel. */
export interface SendHeartbeat {
  type: "SendHeartbeat";
}
/** Send a message other than a heartbeat on every channel. */
export interface SendMessage {
  type: "SendMessage";
  message: Exclude<MessageType, "heartbeat">;
  graceMs?: number;
  /** For takeover-answer: the answer to the peer's request. */
  answer?: Outcome;
}
/** The STANDBY peer asks this ACTIVE node to hand over: run the planned switchover and report a handover-answer. */
export interface HandOver {
  type: "HandOver";
  reason: string;
}
/** The outcome of the administrator's takeover request on this node (TakeoverInput). */
export interface TakeoverAnswer extends Outcome {
  type: "TakeoverAnswer";
}
/** The outcome of the administrator's "the peer is off" (ConfirmOffInput). */
export interface ConfirmOffAnswer extends Outcome {
  type: "ConfirmOffAnswer";
}
/** Fence the peer through the configured fence levels, in order, and report a fence-result. */
export interface FencePeer {
  type: "FencePeer";
  action: "reset" | "off";
  reason: string;
}
/** This node is ACTIVE: let the boot continue (in the initrd) or bring resources up. */
export interface ContinueBoot {
  type: "ContinueBoot";
}
/** Stop writing to the shared disk at once: flush, then reset this node. */
export interface SelfFence {
  type: "SelfFence";
  reason: string;
  /** Power off instead of reset (a poison pill that says "off"). */
  power?: "reset" | "off";
  /** Flush buffers first (the peer asked over a live link, ShaoLin style); never for a pill or a dual ACTIVE. */
  flush?: boolean;
}
/** One event for the log (design.md: every role change and fence action is one event). */
export interface Log {
  type: "Log";
  level: LogLevel;
  event: string;
  message: string;
  fields?: Record<string, string | number | boolean | null>;
  /** Set on role changes. */
  role?: Role;
}

export type Action =
  | SendHeartbeat
  | SendMessage
  | FencePeer
  | ContinueBoot
  | SelfFence
  | HandOver
  | TakeoverAnswer
  | ConfirmOffAnswer
  | Log;
