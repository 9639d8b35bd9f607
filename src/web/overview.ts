// The overview page's model, pure: what the peer is as far as this node can tell (its role while heard, DEAD once
// silent for deadtime, FENCED once a fence confirmed after it was last heard), and the live message sent every tick.
import type { StatusReport } from "../mgmt/protocol.ts";
import type { Arrival } from "./record.ts";

/** The peer's state on the overview: a role while heard, or what its silence means. */
export type PeerState = "BOOTING" | "STANDBY" | "ACTIVE" | "FENCING" | "STOPPED" | "DEAD" | "FENCED" | "UNKNOWN";

/** The peer's state and why. */
export function peerState(r: StatusReport, deadtimeMs: number): { state: PeerState; why: string } {
  const now = Date.parse(r.generatedAt);
  const ago = r.peer.lastHeardAgoMs;
  const heardAt = ago === null ? null : now - ago;
  const fencedAt = r.fence.at === null ? null : Date.parse(r.fence.at);
  if (r.fence.state === "confirmed" && fencedAt !== null && (heardAt === null || heardAt <= fencedAt))
    return { state: "FENCED", why: r.fence.last ?? "fence confirmed" };
  if (ago === null) return { state: "UNKNOWN", why: "never heard in this run" };
  if (ago >= deadtimeMs)
    return { state: "DEAD", why: `silent on every link for ${(ago / 1000).toFixed(1)} s (deadtime ${deadtimeMs} ms)` };
  if (r.peer.role === null) return { state: "UNKNOWN", why: "heard, role not known yet" };
  return { state: r.peer.role, why: `heard ${ago} ms ago` };
}

/** One live update: the status, the peer's state, the timers the chart draws against, and new arrivals. */
export interface LiveUpdate {
  status: StatusReport;
  peer: { state: PeerState; why: string };
  timers: { keepalive: number; warntime: number; deadtime: number };
  /** Per link, arrivals since the previous update (all kept ones in the first). */
  arrivals: Record<string, Arrival[]>;
  /** The fence history: fence events, newest last. */
  fences: { ts: string; event: string; message: string }[];
  session: { readOnly: boolean; expiresAt: number };
}
