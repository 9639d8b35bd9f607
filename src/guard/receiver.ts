// Turn bytes from a link into a core input: authenticate, check freshness, or count the rejection.
import type { FrameInput, RejectedInput } from "../core/inputs.ts";
import { CHANNEL_KINDS, type ChannelKind } from "../core/types.ts";
import { checkEcho, decodeFrame, ReplayGuard, type ReplayState } from "../protocol/index.ts";
import { readAnswer, readGrace } from "./frames.ts";

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

  /** A boot of the peer that is over (fenced): refused on every link, including links not heard yet. */
  private retired: number | null = null;

  constructor(
    private readonly o: { key: Uint8Array; clusterId: number; self: string; peer: string; myIncarnation: number },
    private readonly onPeerIncarnation: (inc: number) => void,
    /** An authentic, fresh frame echoes a boot of THIS node later than the one running: the wall clock stepped back. */
    private readonly onSelfBehind: (echoed: number) => void = () => {},
  ) {}

  /** This node's incarnation, which frames with consequences must echo (it changes only when the clock stepped back). */
  set myIncarnation(inc: number) {
    this.o.myIncarnation = inc;
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

  /** Refuse the peer's boot `incarnation` (and earlier ones) on every link from now on: it was fenced. */
  retire(incarnation: number): void {
    this.retired = Math.max(this.retired ?? 0, incarnation);
    for (const ch of CHANNEL_KINDS) this.guard(ch).retire(this.o.peer, this.retired);
  }

  /** Classify one candidate frame that arrived at `now` on `channel`. */
  accept(bytes: Uint8Array, channel: ChannelKind, now: number): FrameInput | RejectedInput {
    const d = decodeFrame(bytes, { key: this.o.key, clusterId: this.o.clusterId });
    if (d.kind !== "ok") return this.reject(channel, d.kind, now);
    const f = d.frame;
    const verdict = this.guard(channel).check(f);
    if (verdict.kind !== "ok") return this.reject(channel, verdict.kind, now, verdict.reason);
    if (f.peerIncarnation > this.o.myIncarnation) this.onSelfBehind(f.peerIncarnation);
    if (!checkEcho(f, this.o.myIncarnation)) return this.reject(channel, "no-echo", now, `${f.type} does not echo incarnation ${this.o.myIncarnation}`);
    this.accepted[channel] = (this.accepted[channel] ?? 0) + 1;
    this.onPeerIncarnation(f.incarnation);
    const grace = f.type === "handoff-grace" ? readGrace(f.payload) : null;
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
    const c = (this.rejected[channel] ??= { malformed: 0, "unsupported-version": 0, "foreign-cluster": 0, "bad-auth": 0, replay: 0, "no-echo": 0 });
    c[kind] += 1;
    return { kind: "rejected", now, channel, reason: reason ? `${kind}: ${reason}` : kind };
  }
}
