// Turn bytes from a link into a core input: authenticate, check freshness, or count the rejection.
import type { FrameInput, RejectedInput } from "../core/inputs.ts";
import type { ChannelKind } from "../core/types.ts";
import { checkEcho, decodeFrame, ReplayGuard } from "../protocol/index.ts";
import { readAnswer, readGrace } from "./frames.ts";

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

  constructor(
    private readonly o: { key: Uint8Array; clusterId: number; self: string; peer: string; myIncarnation: number },
    private readonly onPeerIncarnation: (inc: number) => void,
  ) {}

  /** Classify one candidate frame that arrived at `now` on `channel`. */
  accept(bytes: Uint8Array, channel: ChannelKind, now: number): FrameInput | RejectedInput {
    const d = decodeFrame(bytes, { key: this.o.key, clusterId: this.o.clusterId });
    if (d.kind !== "ok") return this.reject(channel, d.kind, now);
    const f = d.frame;
    const verdict = this.guard(channel).check(f);
    if (verdict.kind !== "ok") return this.reject(channel, verdict.kind, now, verdict.reason);
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
