/*
 * Replay protection: why a captured frame cannot change what a node does.
 *
 * Every frame is authenticated by HMAC-SHA256 over all its bytes, so its sender
 * name, incarnation, seq and peerIncarnation cannot be altered without the authkey;
 * an attacker can only replay whole frames that a node really sent.
 *
 * 1. Incarnation increases across reboots of the sender. At boot a node takes
 *    incarnation = max(wall-clock ms at boot, last incarnation stored in its own
 *    shared-disk slot + 1; when the clock is behind the slot, the slot's part takes a
 *    random step up, which keeps two machines started as one node at the same moment
 *    apart, node/runtime.ts mintIncarnation), and stores it before sending its first
 *    frame, so it is greater than every earlier incarnation of that node even if the
 *    clock is wrong or steps backwards.
 * 2. Within one incarnation, seq strictly increases: every frame sent, on any link,
 *    takes the next seq; none is reused.
 * 3. The receiver keeps, per sender, the highest incarnation seen and, within it, a
 *    64-entry sliding window over seq (as IPsec, RFC 4303). A frame from an older
 *    incarnation is rejected; in the current one, a seq already seen (duplicate) or
 *    64 or more below the highest (too old) is rejected. So while the receiver stays
 *    up, a replayed frame is a duplicate or too old and changes nothing but counters.
 *    A higher incarnation means the peer rebooted: accepted, and its window restarts.
 * 4. After the RECEIVER reboots it has no memory, so a replayed frame from an earlier
 *    capture might be accepted once (and a captured in-order run of them, each once).
 *    That is harmless by construction:
 *    - heartbeats and status can make a node believe the peer is alive, which
     resolves to STANDBY, the safe side (design.md safety rule 2); but a peer
     that says STANDBY or STOPPED would let a booting node go ACTIVE, so the
     core acts on those roles only from a frame that echoes its current
     incarnation (FrameInput.echo; src/core/liveness.ts echoedRole). The lab
     found why: a reset node read the peer's authentic frames from before the
     peer took over, still buffered in its serial line;
   - every frame with consequences (fence-request, fence-ack, takeover,
 *      handoff-grace) must carry peerIncarnation equal to the receiver's current
 *      incarnation (requiresEcho/checkEcho in echo.ts). That value did not exist
 *      before the receiver booted (point 1), so no earlier capture carries it; only a
 *      peer holding the authkey that heard the receiver in this incarnation can
 *      produce such a frame, and point 3 stops it being replayed afterwards.
 * 5. A node's own frames reflected back (a serial line echoing, a bridged loop) are
 *    rejected by sender name, and frames from nodes that are not configured peers
 *    are rejected as foreign, so a node never acts on its own fence-request/takeover.
 *
 * 6. Order across links: one sequence counter serves every link, so frames that
 *    overtake each other on different links (serial lags UDP) are put back in order
 *    by the core: a role is taken only from the newest frame of the peer's current
 *    incarnation, an older one proves its link alive and nothing more, and a frame
 *    of an earlier incarnation (bytes buffered in a line) is ignored (src/core/step.ts).
 *    Without this, a STOPPED announced on UDP followed by the ACTIVE frame sent just
 *    before it on serial looked like a second ACTIVE beside the node taking over.
 * 7. The receiver's memory outlives the process that holds the links: the initrd
 *    guard hands its windows (and the core's newest seq) to the agent in the hand-over
 *    snapshot, an agent stopped by an administrator leaves them in its snapshot file,
 *    and every process records them under /run for this boot before it acts on a frame
 *    (read back by a process that starts without a snapshot, after a crash), so a frame
 *    captured earlier in this boot is still a duplicate or too old afterwards. A frame older
 *    than the newest one heard on any link (point 6) triggers nothing in the core in
 *    any case, and a boot of the peer that this node fenced is retired: its frames are
 *    refused whatever their sequence numbers (src/core/step.ts, fencedIncarnation).
 *
 * Hence forged, replayed or foreign-cluster frames change nothing but counters and
 * logs (design.md safety rule 3). The guard keeps one ReplayGuard per link: every
 * frame is sent on every link and each copy must prove its own link alive. A copy
 * captured on one link and replayed on another within the same incarnation can only
 * repeat what the receiver already accepted, and frames with consequences still
 * need the echo of point 4.
 */

import { REPLAY_WINDOW, ReplayWindow, type WindowState } from "./replay-window.ts";
import type { Frame } from "./frame.ts";

/** Outcome of checking one authenticated frame for freshness. */
export type ReplayVerdict =
  | { kind: "ok" }
  | { kind: "replay"; reason: string }
  | { kind: "foreign-cluster"; reason: string };

/** Rejections counted by kind, as a plain object. */
export type ReplayCounters = { replay: number; "foreign-cluster": number };

/** Who the guard is running on and which nodes may talk to it. */
export type ReplayGuardOptions = { self: string; peers: string[] };

type SenderState = { incarnation: number; window: ReplayWindow };

/** What a ReplayGuard remembers of each sender, as plain data (carried across a hand-over, point 7). */
export type ReplayState = Record<string, { incarnation: number } & WindowState>;

/** Rejects replayed, reflected and unknown-sender frames; records the accepted ones. No clock. */
export class ReplayGuard {
  private readonly self: string;
  private readonly peers: ReadonlySet<string>;
  private readonly senders = new Map<string, SenderState>();
  private readonly rejected: ReplayCounters = { replay: 0, "foreign-cluster": 0 };

  constructor(opts: ReplayGuardOptions) {
    this.self = opts.self;
    this.peers = new Set(opts.peers);
  }

  /** Rejections since construction, as a plain object copy. */
  get counters(): ReplayCounters {
    return { ...this.rejected };
  }

  /** What this guard remembers, for a successor that takes the link over. */
  save(): ReplayState {
    const out: ReplayState = {};
    for (const [node, st] of this.senders) out[node] = { incarnation: st.incarnation, ...st.window.save() };
    return out;
  }

  /** Continue from a predecessor's memory (senders other than the peer are ignored). */
  restore(state: ReplayState): void {
    for (const [node, st] of Object.entries(state)) {
      if (this.peers.has(node)) this.senders.set(node, { incarnation: st.incarnation, window: ReplayWindow.from(st) });
    }
  }

  /**
   * A boot of `node` that is over (fenced): its frames, and those of every earlier boot, are refused from now on,
   * whatever their sequence numbers. A later boot is accepted as usual.
   */
  retire(node: string, incarnation: number): void {
    const known = this.senders.get(node);
    if (known && known.incarnation > incarnation) return;
    // Everything up to the highest possible seq of that boot counts as seen: only a newer incarnation passes.
    this.senders.set(node, { incarnation, window: new ReplayWindow(Number.MAX_SAFE_INTEGER) });
  }

  /** Checks a decoded frame and, when it is fresh, records it as seen. */
  check(frame: Pick<Frame, "node" | "incarnation" | "seq">): ReplayVerdict {
    const verdict = this.judge(frame);
    if (verdict.kind !== "ok") this.rejected[verdict.kind]++;
    return verdict;
  }

  private judge({ node, incarnation, seq }: Pick<Frame, "node" | "incarnation" | "seq">): ReplayVerdict {
    if (node === this.self) return { kind: "replay", reason: `own frame reflected: sender is this node (${node})` };
    if (!this.peers.has(node)) {
      return { kind: "foreign-cluster", reason: `unknown node ${node}: expected one of ${[...this.peers].join(", ")}` };
    }
    const known = this.senders.get(node);
    if (known === undefined || incarnation > known.incarnation) {
      this.senders.set(node, { incarnation, window: new ReplayWindow(seq) });
      return { kind: "ok" };
    }
    if (incarnation < known.incarnation) {
      return {
        kind: "replay",
        reason: `stale incarnation from ${node}: expected at least ${known.incarnation}, got ${incarnation}`,
      };
    }
    const top = known.window.top;
    switch (known.window.offer(seq)) {
      case "ok":
        return { kind: "ok" };
      case "duplicate":
        return { kind: "replay", reason: `duplicate seq ${seq} from ${node} (incarnation ${incarnation})` };
      case "too-old":
        return {
          kind: "replay",
          reason: `seq too old from ${node}: expected above ${top - REPLAY_WINDOW}, got ${seq}`,
        };
    }
  }
}
