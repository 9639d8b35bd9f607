// The role decisions, taken after every input from the peer's last known role and the deadlines.
import { blockedBy } from "./blocks.ts";
import type { Draft } from "./draft.ts";
import type { CoreState } from "./state.ts";
import { checkLinks, echoedRole, peerAlive, peerDeadline } from "./liveness.ts";
import { outranks } from "./precedence.ts";
import {
  becomeActive,
  fenceFailed,
  fenceSecondActive,
  issueFenceIfDue,
  secondActiveTick,
  selfFence,
  startFencing,
} from "./transitions.ts";

/** Apply the rules of the current role at time d.now. */
export function decide(d: Draft): void {
  checkLinks(d);
  switch (d.state.role) {
    case "BOOTING":
      return decideBooting(d);
    case "STANDBY":
      return decideStandby(d);
    case "FENCING":
      return decideFencing(d);
    case "ACTIVE":
      return decideActive(d);
    case "STOPPED":
      return;
  }
}

/**
 * Startup fencing (the peer never heard since this boot, or since it was fenced) needs a silence that proves the
 * peer dead. A link that reports itself down (device error, no carrier, a dead shared disk) proves nothing. Silence
 * on serial and UDP alone proves nothing either: a pulled cable looks just like a dead peer, and a node that fenced
 * on it would fence its peer at every boot while the cables stay cut. Only the disk channel, up and with the peer's
 * slot not progressing, proves the peer's guard gone (SBD); without it the node waits until it has heard the peer
 * once (Pacemaker's wait_for_all), unless the admin set wait_for_all = false. A refused node parks as STANDBY, says
 * why (at once when the reason changes, then every fenceRetry) and goes on listening.
 */
function startupFenceRefused(d: Draft): boolean {
  const s = d.state;
  if (s.peerView.lastHeard !== null) return false;
  const why = startupUnproven(s, d.now);
  if (why === null) return false;
  const f = s.fence;
  if (
    s.role !== "STANDBY" ||
    f.lastResult !== why.key ||
    f.refusedLoggedAt === null ||
    d.now - f.refusedLoggedAt >= s.timers.fenceRetry
  ) {
    f.lastResult = why.key;
    f.refusedLoggedAt = d.now;
    d.log("error", "startup-fence-refused", why.message, why.fields);
  }
  if (s.role !== "STANDBY") d.setRole("STANDBY", why.reason, "warning");
  return true;
}

/**
 * Why the silence of a peer never heard proves nothing, or null when it proves the peer dead. The disk channel up
 * is proof enough whatever the other links say: a peer that is powered off takes the carrier of a crossover cable
 * with it, so a UDP link down for want of carrier must not keep the survivor from starting.
 */
function startupUnproven(
  s: CoreState,
  now: number,
): { key: string; message: string; reason: string; fields: Record<string, string> } | null {
  const disk = s.channels.disk;
  if (disk?.up) {
    // Up long enough to have seen a live peer's slot move: a disk that just appeared (a late LUN) proves nothing yet.
    const need = Math.max(s.timers.initdead, s.timers.deadtime);
    const upFor = now - (disk.upSince ?? now);
    if (upFor >= need) return null;
    return {
      key: "startup:disk-young",
      message: `${s.peer.name} never heard, and the disk channel has been up only ${upFor} ms: its silence proves nothing before ${need} ms; not fencing yet, staying STANDBY`,
      reason: "peer never heard and the disk channel up too briefly to prove it dead",
      fields: { upForMs: String(upFor) },
    };
  }
  const down = Object.entries(s.channels)
    .filter(([, c]) => c && !c.up)
    .map(([k]) => k);
  if (down.length > 0) {
    const links = down.join(", ");
    return {
      key: `startup:${down.join(",")}`,
      message: `${s.peer.name} never heard, but link ${links} is down: its silence proves nothing; not fencing, staying STANDBY`,
      reason: `peer never heard with link ${links} down`,
      fields: { down: down.join(",") },
    };
  }
  if (s.timers.waitForAll === false) return null;
  return {
    key: "startup:wait_for_all",
    message: `never heard ${s.peer.name} on any link since this boot and no disk channel to prove it dead: not fencing (wait_for_all); check the cables, or confirm the peer is off`,
    reason: "peer never heard and no disk channel to prove it dead (wait_for_all)",
    fields: { rule: "wait_for_all" },
  };
}

function decideBooting(d: Draft): void {
  const s = d.state;
  if (!peerAlive(s, d.now)) {
    if (d.now < peerDeadline(s)) return;
    if (startupFenceRefused(d)) return;
    const why =
      s.peerView.lastHeard === null
        ? `no heartbeat from ${s.peer.name} within initdead (${s.timers.initdead} ms)`
        : `${s.peer.name} silent for deadtime (${s.timers.deadtime} ms)`;
    d.log("warning", "peer-dead", why, { peer: s.peer.name });
    return startFencing(d, why);
  }
  switch (s.peerView.role) {
    case "ACTIVE":
    case "FENCING":
      return d.setRole("STANDBY", `peer ${s.peer.name} is ${s.peerView.role}`);
    case "STANDBY":
    case "STOPPED":
      // Only on the peer's word about THIS boot: a stale frame (from a UART buffer, a replay) must not activate.
      if (echoedRole(s, d.now, s.peerView.role)) becomeActive(d, `peer ${s.peer.name} is ${s.peerView.role}`);
      return;
    case "BOOTING":
      // Both booting: the lower-ranked node yields; the winner waits for its STANDBY.
      if (!outranks(s.self, s.peer)) d.setRole("STANDBY", `both booting; ${s.peer.name} outranks this node`);
      return;
  }
}

function decideStandby(d: Draft): void {
  const s = d.state;
  if (peerAlive(s, d.now)) {
    if (s.peerView.role === "STOPPED" && echoedRole(s, d.now, "STOPPED"))
      return becomeActive(d, `peer ${s.peer.name} released the ACTIVE role`);
    if (s.peerView.role === "STANDBY" && echoedRole(s, d.now, "STANDBY") && outranks(s.self, s.peer))
      return becomeActive(d, `both standby; this node outranks ${s.peer.name}`);
    return;
  }
  if (s.fence.nextRetryAt !== null && d.now < s.fence.nextRetryAt) return;
  if (s.peerView.lastHeard === null && s.fence.nextRetryAt === null && d.now < peerDeadline(s)) return;
  if (startupFenceRefused(d)) return;
  const silent = s.peerView.lastHeard === null ? null : d.now - s.peerView.lastHeard;
  const why =
    silent === null
      ? `${s.peer.name} never heard`
      : `all links silent for ${silent} ms (deadtime ${s.timers.deadtime} ms)`;
  // Once, when fencing starts: a blocked node says why it does not fence (rate-limited), not this at every tick.
  if (s.fence.nextRetryAt === null && blockedBy(s) === null)
    d.log("warning", "peer-dead", `peer ${s.peer.name} dead: ${why}`, { peer: s.peer.name, silentMs: silent });
  startFencing(d, why);
}

function decideFencing(d: Draft): void {
  const s = d.state;
  const f = s.fence;
  if (!f.issued && peerAlive(s, d.now) && s.peerView.lastHeard !== null && s.peerView.lastHeard >= s.since) {
    // Heard during the static delay: nothing was fenced yet, so go back and decide again.
    f.issueAt = null;
    d.log("notice", "fence-cancelled", `heard ${s.peer.name} again before fencing; fence cancelled`);
    d.setRole(f.fromRole, "peer heard again before the fence was issued");
    return decide(d);
  }
  issueFenceIfDue(d);
  if (f.issued && f.issueAt !== null && d.now - f.issueAt >= s.timers.fenceTimeout) {
    fenceFailed(d, `no result within ${s.timers.fenceTimeout} ms`);
  }
}

function decideActive(d: Draft): void {
  const s = d.state;
  const pv = s.peerView;
  secondActiveTick(d);
  if (peerAlive(s, d.now)) {
    pv.lost = false;
    // A second ACTIVE counts only on its word about THIS boot: an authentic ACTIVE frame of an earlier boot (a
    // capture replayed, bytes buffered in a line) must not reset this node; a real second ACTIVE hears this node
    // and echoes it within a heartbeat.
    if (pv.role !== "ACTIVE" || !echoedRole(s, d.now, "ACTIVE")) {
      pv.conflict = false;
    } else if (!pv.conflict) {
      pv.conflict = true;
      if (outranks(s.self, s.peer)) {
        d.log(
          "error",
          "dual-active",
          `${s.peer.name} also claims ACTIVE; this node outranks it, stays, and fences it (its own reset may be refused)`,
          { peer: s.peer.name },
        );
        fenceSecondActive(d);
      } else {
        selfFence(d, `${s.peer.name} is also ACTIVE and outranks this node`);
      }
    }
    return;
  }
  if (!pv.lost && pv.lastHeard !== null) {
    pv.lost = true;
    d.log("warning", "peer-lost", `peer ${s.peer.name} silent for ${d.now - pv.lastHeard} ms; staying ACTIVE`, {
      peer: s.peer.name,
    });
  }
}
