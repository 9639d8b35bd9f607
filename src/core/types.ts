// Shared vocabulary of the cluster: roles, message types, channel kinds.

/** How a request ended: done or refused, and what happened, in words for the administrator. */
export interface Outcome {
  ok: boolean;
  detail: string;
}

/** A node's role as the core sees it (design.md: BOOTING, STANDBY, ACTIVE, FENCING, STOPPED). */
export type Role = "BOOTING" | "STANDBY" | "ACTIVE" | "FENCING" | "STOPPED";
export const ROLES: readonly Role[] = ["BOOTING", "STANDBY", "ACTIVE", "FENCING", "STOPPED"];

/** What a frame is for. */
export type MessageType =
  | "heartbeat"
  | "handoff-grace"
  | "fence-request"
  | "fence-ack"
  | "takeover"
  | "status"
  | "takeover-request"
  | "takeover-answer";
export const MESSAGE_TYPES: readonly MessageType[] = [
  "heartbeat",
  "handoff-grace",
  "fence-request",
  "fence-ack",
  "takeover",
  "status",
  "takeover-request",
  "takeover-answer",
];

/** The media a heartbeat can travel over. */
export type ChannelKind = "serial" | "udp" | "disk";
export const CHANNEL_KINDS: readonly ChannelKind[] = ["serial", "udp", "disk"];
