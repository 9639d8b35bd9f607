// Build this node's outgoing frames: one sequence counter for every link, the peer's incarnation echoed.
import type { MessageType, Outcome, Role } from "../core/types.ts";
import { encodeFrame, MAX_PAYLOAD } from "../protocol/index.ts";

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

/** The takeover-answer payload: `{ok, detail}` as UTF-8 JSON, the detail cut to fit a frame. */
export function answerPayload(answer: Outcome): Uint8Array {
  let detail = answer.detail;
  for (;;) {
    const b = new TextEncoder().encode(JSON.stringify({ ok: answer.ok, detail }));
    if (b.length <= MAX_PAYLOAD) return b;
    detail = `${detail.slice(0, Math.max(0, detail.length - (b.length - MAX_PAYLOAD) - 3))}...`;
  }
}

/** Read a takeover-answer payload; an unreadable one is a refusal that says so (the frame itself was authentic). */
export function readAnswer(payload: Uint8Array): Outcome {
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload)) as unknown;
    if (typeof v === "object" && v !== null && typeof (v as { ok?: unknown }).ok === "boolean" && typeof (v as { detail?: unknown }).detail === "string") {
      return { ok: (v as { ok: boolean }).ok, detail: (v as { detail: string }).detail };
    }
  } catch {
    // fall through
  }
  return { ok: false, detail: `unreadable answer (${payload.length} bytes; expected {"ok":boolean,"detail":string})` };
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
