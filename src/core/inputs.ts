// Observations the core reacts to: everything it knows arrives as one of these.
import type { SafetyCheck } from "./blocks.ts";
import type { ChannelKind, MessageType, Outcome, Role } from "./types.ts";

/** Time passed; the core checks its deadlines. */
export interface TickInput {
  kind: "tick";
  now: number;
  /**
   * This node itself did not run for this long (its tick came this much too late: a hung kernel, a stopped process):
   * the peer's frames of that time wait unread behind this tick, so that time does not count as the peer's silence.
   */
  stalledMs?: number;
}

/** A validated, authenticated, fresh frame from the peer (the shell has filtered the rest). */
export interface FrameInput {
  kind: "frame";
  now: number;
  channel: ChannelKind;
  node: string;
  type: MessageType;
  role: Role;
  incarnation: number;
  /**
   * The sender's sequence number: one counter for every link (and its disk slot), so it orders frames that came
   * over different links. A frame below the highest seen in this incarnation was overtaken by a later one (serial
   * lags UDP): it proves its link alive, but its role is out of date. Absent: no order known (taken as the latest).
   */
  seq?: number;
  /** The priority the sender's own config gives it (heartbeats and disk slots carry it; absent from older senders). */
  priority?: number;
  /**
   * The frame echoes this node's current incarnation: the peer heard this boot. Only such frames may
   * lead to activation; an authentic frame from before this boot (buffered in a UART, replayed) may not.
   */
  echo?: boolean;
  /** For handoff-grace: the quiet period the peer announces, in ms. */
  graceMs?: number;
  /** For takeover-answer: what the ACTIVE peer answered this node's takeover request. */
  answer?: Outcome;
}

/** A frame the shell dropped (malformed, forged, replayed, foreign): counted, nothing else. */
export interface RejectedInput {
  kind: "rejected";
  now: number;
  channel: ChannelKind;
  reason: string;
}

/** A channel's own health report (device error, interface down, back up). */
export interface ChannelInput {
  kind: "channel";
  now: number;
  channel: ChannelKind;
  up: boolean;
  detail?: string;
}

/** The outcome of a FencePeer action. */
export interface FenceResultInput {
  kind: "fence-result";
  now: number;
  ok: boolean;
  device: string;
  detail: string;
}

/**
 * A poison pill found in this node's own disk slot, or cleared from it. `fresh` means it appeared while this
 * boot was running (the fencer wants this node down now); a pill already there at boot only blocks activation.
 * Either way the mailbox was read and decoded: the "mailbox" check is met in the same step.
 */
export interface PillInput {
  kind: "pill";
  now: number;
  present: boolean;
  fresh?: boolean;
  /** What the pill asks for (default reset). */
  power?: "reset" | "off";
  detail?: string;
}

/**
 * The outcome of a check activation depends on: "mailbox" fails while this node's own mailbox cannot be read
 * (its success arrives as a PillInput), "watchdog" succeeds once the watchdog is armed and fails when it cannot be.
 */
export interface SafetyInput {
  kind: "safety";
  now: number;
  check: SafetyCheck;
  ok: boolean;
  detail: string;
}

/** An administrator's request: release the ACTIVE role cleanly. */
export interface StopInput {
  kind: "stop";
  now: number;
  reason: string;
}

/** An administrator asks this node to become ACTIVE (`clusterguard takeover`): a STANDBY asks its ACTIVE peer to hand over. */
export interface TakeoverInput {
  kind: "takeover";
  now: number;
}

/** How this ACTIVE node's planned switchover, run for the peer's takeover request, ended (or why it was refused). */
export interface HandoverAnswerInput extends Outcome {
  kind: "handover-answer";
  now: number;
}

/**
 * Another machine runs as this node: this node's own disk slot, read after this process's first write to it, holds
 * another boot of this node's name (two machines booted the same node's entry). Only the disk is evidence: a frame
 * of this node's name from another boot may be a capture of an earlier boot replayed, so it is counted, no more.
 */
export interface TwinInput {
  kind: "twin";
  now: number;
  /** The other writer's boot, and its role as written in the slot. */
  incarnation: number;
  role: Role;
  /** This boot is later than the other writer's (it yields when both are ACTIVE). */
  laterBoot: boolean;
}

/**
 * The administrator says the peer is off (checked by hand: its power supply died, its BMC too): counted as a
 * confirmed fence, as Pacemaker's `stonith_admin --confirm`, when no fence level can confirm. Refused while the peer
 * is heard on any link.
 */
export interface ConfirmOffInput {
  kind: "confirm-off";
  now: number;
  /** Who said so, and how (for the log). */
  detail: string;
}

export type Input =
  | TickInput
  | ConfirmOffInput
  | TwinInput
  | FrameInput
  | RejectedInput
  | ChannelInput
  | FenceResultInput
  | PillInput
  | SafetyInput
  | StopInput
  | TakeoverInput
  | HandoverAnswerInput;
