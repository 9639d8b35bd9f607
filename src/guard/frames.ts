// Build this node's outgoing frames: one sequence counter for every link, the peer's incarnation echoed.
import type { MessageType, Role } from "../core/types.ts";
import { encodeFrame } from "../protocol/index.ts";

/** The handoff-grace payload: the announced quiet period in ms, u32 big-endian. */
export function gracePayload(ms: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, Math.max(0, Math.min(ms, 0xffffffff)));
  return b;
}

/** Read a handoff-grace payload; null when it is not 4 bytes. */
export function readGrace(payload: Uint8Array): number | null {
  return payload.length === 4 ? new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0) : null;
}

/** Encodes frames for one boot of this node. */
export class FrameBuilder {
  private seq: number;
  /** The incarnation last heard from the peer, echoed in every frame (0 until heard). */
  peerIncarnation = 0;

  /** `startSeq`: the last sequence number a predecessor sent with this incarnation (a handover), else 0. */
  constructor(
    private readonly o: { key: Uint8Array; clusterId: number; node: string; incarnation: number; startSeq?: number },
  ) {
    this.seq = o.startSeq ?? 0;
  }

  /** The next frame of `type`, carrying `role`; each call takes a new sequence number. */
  build(type: MessageType, role: Role, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
    this.seq += 1;
    return encodeFrame(
      {
        type,
        role,
        flags: 0,
        clusterId: this.o.clusterId,
        incarnation: this.o.incarnation,
        seq: this.seq,
        peerIncarnation: this.peerIncarnation,
        node: this.o.node,
        payload,
      },
      this.o.key,
    );
  }

  /** The sequence number of the last frame built. */
  get lastSeq(): number {
    return this.seq;
  }
}
