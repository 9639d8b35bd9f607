// The frame a node sends, and its version-1 binary encoding (see layout.ts).

import { MESSAGE_TYPES, ROLES } from "../core/types.ts";
import type { MessageType, Role } from "../core/types.ts";
import { frameProblem } from "./frame-check.ts";
import { MAGIC, OFFSET, PROTOCOL_VERSION, frameLength } from "./layout.ts";
import { computeMac } from "./mac.ts";
import { writeU64 } from "./u64.ts";

export { MAGIC, MAX_FRAME_BYTES, MAX_PAYLOAD, PROTOCOL_VERSION } from "./layout.ts";

/** One protocol message as the rest of the program sees it. */
export type Frame = {
  type: MessageType;
  role: Role;
  flags: number;
  clusterId: number;
  /** The sender's boot incarnation; increases across the sender's reboots. */
  incarnation: number;
  /** Strictly increasing within one incarnation of the sender. */
  seq: number;
  /** Last incarnation the sender heard from the recipient, 0 if none (freshness echo). */
  peerIncarnation: number;
  node: string;
  payload: Uint8Array;
};

/** Encodes and signs `frame`; throws RangeError saying which field is invalid. */
export function encodeFrame(frame: Frame, key: Uint8Array): Uint8Array {
  const problem = frameProblem(frame);
  if (problem !== undefined) throw new RangeError(`encodeFrame: ${problem}`);
  if (!(key instanceof Uint8Array) || key.length === 0) {
    throw new RangeError(`encodeFrame: key: expected a non-empty Uint8Array, got ${key?.length ?? typeof key} bytes`);
  }
  const nameLength = frame.node.length;
  const bytes = new Uint8Array(frameLength(nameLength, frame.payload.length));
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint8(OFFSET.version, PROTOCOL_VERSION);
  view.setUint8(OFFSET.type, MESSAGE_TYPES.indexOf(frame.type));
  view.setUint8(OFFSET.role, ROLES.indexOf(frame.role));
  view.setUint8(OFFSET.flags, frame.flags);
  view.setUint32(OFFSET.clusterId, frame.clusterId);
  writeU64(view, OFFSET.incarnation, frame.incarnation);
  writeU64(view, OFFSET.seq, frame.seq);
  writeU64(view, OFFSET.peerIncarnation, frame.peerIncarnation);
  view.setUint8(OFFSET.nameLength, nameLength);
  for (let i = 0; i < nameLength; i++) bytes[OFFSET.name + i] = frame.node.charCodeAt(i);
  const payloadLengthAt = OFFSET.name + nameLength;
  view.setUint16(payloadLengthAt, frame.payload.length);
  bytes.set(frame.payload, payloadLengthAt + 2);
  const macAt = payloadLengthAt + 2 + frame.payload.length;
  bytes.set(computeMac(key, bytes.subarray(0, macAt)), macAt);
  return bytes;
}
