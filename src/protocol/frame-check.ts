// Validation of a Frame before it is encoded: every field in range, said precisely.

import { MESSAGE_TYPES, ROLES } from "../core/types.ts";
import type { Frame } from "./frame.ts";
import { MAX_PAYLOAD } from "./layout.ts";
import { nodeNameProblem } from "./node-name.ts";
import { isSafeU64 } from "./u64.ts";

/** Describes a value for an error message without dumping large objects. */
function show(value: unknown): string {
  return typeof value === "number" || typeof value === "string" ? JSON.stringify(value) : typeof value;
}

/** Why `value` is not an integer in min..max, or undefined. */
function intProblem(field: string, value: unknown, max: number): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max) return undefined;
  return `${field}: expected an integer 0..${max}, got ${show(value)}`;
}

/** Why a u64 `value` cannot be encoded exactly as a JS number, or undefined. */
function u64Problem(field: string, value: unknown): string | undefined {
  if (typeof value === "number" && isSafeU64(value)) return undefined;
  return `${field}: expected an integer 0..${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), got ${show(value)}`;
}

/** Why `frame` cannot be encoded, or undefined when every field is valid. */
export function frameProblem(frame: Frame): string | undefined {
  if (!MESSAGE_TYPES.includes(frame.type)) {
    return `type: expected one of ${MESSAGE_TYPES.join(", ")}, got ${show(frame.type)}`;
  }
  if (!ROLES.includes(frame.role)) return `role: expected one of ${ROLES.join(", ")}, got ${show(frame.role)}`;
  if (!(frame.payload instanceof Uint8Array)) return `payload: expected a Uint8Array, got ${show(frame.payload)}`;
  if (frame.payload.length > MAX_PAYLOAD) {
    return `payload: expected at most ${MAX_PAYLOAD} bytes, got ${frame.payload.length}`;
  }
  return (
    intProblem("flags", frame.flags, 0xff) ??
    intProblem("clusterId", frame.clusterId, 0xffff_ffff) ??
    u64Problem("incarnation", frame.incarnation) ??
    u64Problem("seq", frame.seq) ??
    u64Problem("peerIncarnation", frame.peerIncarnation) ??
    nodeNameProblem(frame.node)
  );
}
