// Frames in and out of this node: bytes from a link turned into a core input (authenticated, fresh, or counted as
// rejected), and this node's frames built with one sequence counter for every link and the peer's boot echoed.
import type { FrameInput, RejectedInput } from "../core/inputs.ts";
import { CHANNEL_KINDS, type ChannelKind, type MessageType, type Outcome, type Role } from "../core/types.ts";
import { checkEcho, decodeFrame, encodeFrame, MAX_PAYLOAD, ReplayGuard, type ReplayState } from "../protocol/index.ts";

/** The receiver's memory as plain data: per link, what its replay guard has seen (for a successor process). */
export type ReceiverState = Partial<Record<ChannelKind, ReplayState>>;

export type RejectKind = "malformed" | "unsupported-version" | "foreign-cluster" | "bad-auth" | "replay" | "no-echo";

/**
 * One receiver per guard. Each link has its own replay window: the same frame is sent on every
 * link, and each copy proves that link alive; a copy replayed on another link can only repeat
 * what was already accepted (heartbeats), and frames with consequences must echo our incarnation.
 */
export class Receiver {
  private readonly guards = new Map<ChannelKind, ReplayGuard>();
  readonly rejected: Record<string, Record<RejectKind, number>> = {};
  readonly accepted: Record<string, number> = {};

  /** The newest frame accepted on any link (incarnation, then seq): only it may move this node's incarnation. */
  private newest: { incarnation: number; seq: number } | null = null;
  /** The peer has echoed this node's current incarnation: it hears this boot, so no echo of an older one counts. */
  private echoedNow = false;

  constructor(
    private readonly o: { key: Uint8Array; clusterId: number; self: string; peer: string; myIncarnation: number },
    private readonly onPeerIncarnation: (inc: number) => void,
    /** An authentic, fresh frame echoes a boot of THIS node later than the one running: the wall clock stepped back. */
    private readonly onSelfBehind: (echoed: number) => void = () => {},
  ) {}

  /** This node's incarnation, which frames with consequences must echo (it changes only when the clock stepped back). */
  set myIncarnation(inc: number) {
    this.o.myIncarnation = inc;
    this.echoedNow = false;
  }

  /** Every link's replay memory, for a successor. */
  save(): ReceiverState {
    const out: ReceiverState = {};
    for (const [ch, g] of this.guards) out[ch] = g.save();
    return out;
  }

  /** Continue from a predecessor's memory: what it accepted stays a duplicate or too old here. */
  restore(state: ReceiverState): void {
    for (const ch of CHANNEL_KINDS) {
      const st = state[ch];
      if (st) this.guard(ch).restore(st);
    }
  }

  /**
   * Refuse the peer's boot `incarnation` (and earlier ones) on every link from now on, links not heard yet included:
   * it was fenced. A guard that already knows a later boot keeps it.
   */
  retire(incarnation: number): void {
    for (const ch of CHANNEL_KINDS) this.guard(ch).retire(this.o.peer, incarnation);
  }

  /** Classify one candidate frame that arrived at `now` on `channel`. */
  accept(bytes: Uint8Array, channel: ChannelKind, now: number): FrameInput | RejectedInput {
    const d = decodeFrame(bytes, { key: this.o.key, clusterId: this.o.clusterId });
    if (d.kind !== "ok") return this.reject(channel, d.kind, now);
    const f = d.frame;
    const verdict = this.guard(channel).check(f);
    if (verdict.kind !== "ok") return this.reject(channel, verdict.kind, now, verdict.reason);
    const n = this.newest;
    const newest = n === null || f.incarnation > n.incarnation || (f.incarnation === n.incarnation && f.seq > n.seq);
    if (newest) this.newest = { incarnation: f.incarnation, seq: f.seq };
    if (f.peerIncarnation === this.o.myIncarnation) this.echoedNow = true;
    // A later boot of this node echoed by the peer's newest frame, while the peer has not heard this boot: the clock
    // stepped back. An older frame (a capture, bytes buffered in a line) or one after the peer heard this boot is not.
    if (newest && !this.echoedNow && f.peerIncarnation > this.o.myIncarnation) this.onSelfBehind(f.peerIncarnation);
    if (!checkEcho(f, this.o.myIncarnation))
      return this.reject(channel, "no-echo", now, `${f.type} does not echo incarnation ${this.o.myIncarnation}`);
    this.accepted[channel] = (this.accepted[channel] ?? 0) + 1;
    this.onPeerIncarnation(f.incarnation);
    const grace = f.type === "handoff-grace" ? readGrace(f.payload) : null;
    const priority = f.type === "heartbeat" ? readPriority(f.payload) : null;
    return {
      kind: "frame",
      now,
      channel,
      node: f.node,
      type: f.type,
      role: f.role,
      incarnation: f.incarnation,
      seq: f.seq,
      echo: f.peerIncarnation === this.o.myIncarnation,
      ...(grace !== null ? { graceMs: grace } : {}),
      ...(priority !== null ? { priority } : {}),
      ...(f.type === "takeover-answer" ? { answer: readAnswer(f.payload) } : {}),
    };
  }

  private guard(channel: ChannelKind): ReplayGuard {
    let g = this.guards.get(channel);
    if (!g) {
      g = new ReplayGuard({ self: this.o.self, peers: [this.o.peer] });
      this.guards.set(channel, g);
    }
    return g;
  }

  private reject(channel: ChannelKind, kind: RejectKind, now: number, reason?: string): RejectedInput {
    const c = (this.rejected[channel] ??= {
      malformed: 0,
      "unsupported-version": 0,
      "foreign-cluster": 0,
      "bad-auth": 0,
      replay: 0,
      "no-echo": 0,
    });
    c[kind] += 1;
    return { kind: "rejected", now, channel, reason: reason ? `${kind}: ${reason}` : kind };
  }
}

// Build this node's outgoing frames: one sequence counter for every link, the peer's incarnation echoed.
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

/**
 * The heartbeat payload: the sender's own priority, u16 big-endian. Each node judges who outranks whom by its own
 * priority and the one its peer announces, so two nodes whose configs disagree still agree (docs/design.md, row 18.3).
 */
export function priorityPayload(priority: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, Math.max(0, Math.min(priority, 0xffff)));
  return b;
}

/** Read a heartbeat payload's priority; null when it carries none (not 2 bytes: a sender from before it). */
export function readPriority(payload: Uint8Array): number | null {
  return payload.length === 2 ? new DataView(payload.buffer, payload.byteOffset, 2).getUint16(0) : null;
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
    if (
      typeof v === "object" &&
      v !== null &&
      typeof (v as { ok?: unknown }).ok === "boolean" &&
      typeof (v as { detail?: unknown }).detail === "string"
    ) {
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
