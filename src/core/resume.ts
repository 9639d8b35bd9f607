// The state of a process that takes over this boot's ACTIVE links (initrd guard -> agent, agent restart).
import type { Role } from "./types.ts";
import { type CoreState, initialState } from "./state.ts";

/** What the releasing process knew of the peer. */
export interface ResumedPeer {
  role: Role | null;
  incarnation: number | null;
}

/**
 * ACTIVE from `now`, with the peer as last known. Liveness restarts at `now` (a peer that was heard is treated as
 * just heard), which can only delay a "peer lost" warning on the ACTIVE, never a takeover: the ACTIVE takes nothing over.
 */
export function resumedActive(opts: Parameters<typeof initialState>[0] & { peer0: ResumedPeer }): CoreState {
  const s = initialState(opts);
  s.role = "ACTIVE";
  s.since = opts.now;
  if (opts.peer0.incarnation) {
    s.peerView.role = opts.peer0.role;
    s.peerView.incarnation = opts.peer0.incarnation;
    s.peerView.lastHeard = opts.now;
    s.peerView.firstHeard = opts.now;
    for (const ch of Object.values(s.channels)) if (ch) ch.lastHeard = opts.now;
  }
  return s;
}
