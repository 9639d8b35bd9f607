// Decoding of received bytes into a Frame: a tagged result for every input, never a throw.
//
// Check order: envelope (size, magic) -> version -> layout (lengths) -> cluster id
// -> HMAC (constant time) -> field contents. Only authenticated bytes get their
// fields interpreted; the version is read right after the magic so a future
// version with another layout is reported as such, not as malformed.

import { MESSAGE_TYPES, ROLES } from "../core/types.ts";
import type { Frame } from "./frame.ts";
import { FIXED_HEADER_BYTES, MAC_BYTES, MAGIC, MAX_FRAME_BYTES, MAX_NAME_BYTES, MAX_PAYLOAD } from "./layout.ts";
import { MIN_FRAME_BYTES, OFFSET, PROTOCOL_VERSION, frameLength } from "./layout.ts";
import { macMatches } from "./mac.ts";
import { nodeNameFromBytes } from "./node-name.ts";
import { readU64 } from "./u64.ts";

/** What decoding one received datagram or serial frame produced. */
export type DecodeResult =
  | { kind: "ok"; frame: Frame }
  | { kind: "malformed"; reason: string }
  | { kind: "unsupported-version"; version: number }
  | { kind: "foreign-cluster"; clusterId: number }
  | { kind: "bad-auth" };

/** What the receiver must know to accept a frame: the authkey and its cluster id. */
export type DecodeOptions = { key: Uint8Array; clusterId: number };

type Malformed = { kind: "malformed"; reason: string };
const malformed = (reason: string): Malformed => ({ kind: "malformed", reason });
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** Checks size and magic; returns a rejection, or undefined to go on. */
function checkEnvelope(bytes: Uint8Array): Malformed | undefined {
  if (bytes.length <= OFFSET.version) {
    return malformed(`too short: expected at least ${MIN_FRAME_BYTES} bytes, got ${bytes.length}`);
  }
  const magic = bytes.subarray(0, MAGIC.length);
  if (!magic.every((b, i) => b === MAGIC[i])) {
    return malformed(`bad magic: expected ${hex(MAGIC)} ("CGHB"), got ${hex(magic)}`);
  }
  return undefined;
}

/** Checks the lengths announced by the header against the byte count; returns the MAC offset or a rejection. */
function checkLayout(bytes: Uint8Array, view: DataView): number | Malformed {
  const n = bytes.length;
  if (n < MIN_FRAME_BYTES) return malformed(`too short: expected at least ${MIN_FRAME_BYTES} bytes, got ${n}`);
  if (n > MAX_FRAME_BYTES) return malformed(`too long: expected at most ${MAX_FRAME_BYTES} bytes, got ${n}`);
  const nameLength = view.getUint8(OFFSET.nameLength);
  if (nameLength < 1 || nameLength > MAX_NAME_BYTES) {
    return malformed(`node name length: expected 1..${MAX_NAME_BYTES}, got ${nameLength}`);
  }
  // n >= MIN_FRAME_BYTES guarantees the payload length field is inside the buffer.
  const payloadLength = view.getUint16(FIXED_HEADER_BYTES + nameLength);
  if (payloadLength > MAX_PAYLOAD) {
    return malformed(`payload length: expected 0..${MAX_PAYLOAD}, got ${payloadLength}`);
  }
  const expected = frameLength(nameLength, payloadLength);
  if (n < expected) return malformed(`truncated: header announces ${expected} bytes, got ${n}`);
  if (n > expected) return malformed(`trailing bytes: header announces ${expected} bytes, got ${n}`);
  return expected - MAC_BYTES;
}

/** Interprets the fields of an authenticated frame; returns the Frame or a rejection. */
function readFields(bytes: Uint8Array, view: DataView, macAt: number): Frame | Malformed {
  const typeIndex = view.getUint8(OFFSET.type);
  const type = MESSAGE_TYPES[typeIndex];
  if (type === undefined) return malformed(`type: expected index 0..${MESSAGE_TYPES.length - 1}, got ${typeIndex}`);
  const roleIndex = view.getUint8(OFFSET.role);
  const role = ROLES[roleIndex];
  if (role === undefined) return malformed(`role: expected index 0..${ROLES.length - 1}, got ${roleIndex}`);
  const incarnation = readU64(view, OFFSET.incarnation);
  const seq = readU64(view, OFFSET.seq);
  const peerIncarnation = readU64(view, OFFSET.peerIncarnation);
  const unsafe = incarnation === undefined ? "incarnation" : seq === undefined ? "seq" : "peerIncarnation";
  if (incarnation === undefined || seq === undefined || peerIncarnation === undefined) {
    const raw = view.getBigUint64(OFFSET[unsafe]);
    return malformed(`${unsafe}: expected at most ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), got ${raw}`);
  }
  const nameEnd = OFFSET.name + view.getUint8(OFFSET.nameLength);
  const node = nodeNameFromBytes(bytes.subarray(OFFSET.name, nameEnd));
  if (node === undefined) {
    return malformed(`node name: expected only [A-Za-z0-9_.-], got bytes ${hex(bytes.subarray(OFFSET.name, nameEnd))}`);
  }
  const flags = view.getUint8(OFFSET.flags);
  const clusterId = view.getUint32(OFFSET.clusterId);
  const payload = bytes.slice(nameEnd + 2, macAt);
  return { type, role, flags, clusterId, incarnation, seq, peerIncarnation, node, payload };
}

/** Decodes without the safety net; may only throw on a bug. */
function decodeUnguarded(bytes: Uint8Array, opts: DecodeOptions): DecodeResult {
  if (!(bytes instanceof Uint8Array)) return malformed(`expected a Uint8Array, got ${typeof bytes}`);
  const envelope = checkEnvelope(bytes);
  if (envelope) return envelope;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(OFFSET.version);
  if (version !== PROTOCOL_VERSION) return { kind: "unsupported-version", version };
  const macAt = checkLayout(bytes, view);
  if (typeof macAt !== "number") return macAt;
  const clusterId = view.getUint32(OFFSET.clusterId);
  if (clusterId !== opts.clusterId) return { kind: "foreign-cluster", clusterId };
  if (!(opts.key instanceof Uint8Array)) return { kind: "bad-auth" };
  if (!macMatches(opts.key, bytes.subarray(0, macAt), bytes.subarray(macAt))) return { kind: "bad-auth" };
  const frame = readFields(bytes, view, macAt);
  return "kind" in frame ? frame : { kind: "ok", frame };
}

/** Decodes and authenticates one frame; never throws, whatever the input. */
export function decodeFrame(bytes: Uint8Array, opts: DecodeOptions): DecodeResult {
  try {
    return decodeUnguarded(bytes, opts);
  } catch (error) {
    // Unreachable by design (the fuzz tests check no result carries this reason).
    return malformed(`internal decoder error: ${String(error)}`);
  }
}
