// The freshness echo: frames with consequences must name the receiver's current incarnation.

import type { MessageType } from "../core/types.ts";
import type { Frame } from "./frame.ts";

const ECHO_REQUIRED: ReadonlySet<MessageType> = new Set([
  "fence-request",
  "fence-ack",
  "takeover",
  "handoff-grace",
  "takeover-request",
  "takeover-answer",
]);

/** True for message types that may only be acted on when they echo the receiver's incarnation. */
export function requiresEcho(type: MessageType): boolean {
  return ECHO_REQUIRED.has(type);
}

/** True when `frame` may be acted on by a receiver whose incarnation is `myIncarnation`. */
export function checkEcho(frame: Pick<Frame, "type" | "peerIncarnation">, myIncarnation: number): boolean {
  if (!requiresEcho(frame.type)) return true;
  return myIncarnation > 0 && frame.peerIncarnation === myIncarnation;
}
