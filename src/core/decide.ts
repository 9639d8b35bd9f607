// The role decisions, taken after every input from the peer's last known role and the deadlines.
import type { Draft } from "./draft.ts";
import { checkLinks, echoedRole, peerAlive, peerDeadline } from "./liveness.ts";
import { outranks } from "./precedence.ts";
import { becomeActive, fenceFailed, issueFenceIfDue, selfFence, startFencing } from "./transitions.ts";

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
 * Startup fencing (the peer never heard since this boot) is allowed only when every link could have carried
 * a heartbeat: a link that is down (device error, a dead shared disk) makes the silence prove nothing, so the
 * node parks as STANDBY and says so instead of fencing a peer that may be running (no fence loop while isolated).
 */
function startupFenceRefused(d: Draft): boolean {
  const s = d.state;
  if (s.peerView.lastHeard !== null) return false;
  const down = Object.entries(s.channels).filter(([, c]) => c && !c.up).map(([k]) => k);
  if (down.length === 0) return false;
  if (s.role !== "STANDBY" || s.fence.lastResult !== `startup:${down.join(",")}`) {
    s.fence.lastResult = `startup:${down.join(",")}`;
    d.log("error", "startup-fence-refused", `${s.peer.name} never heard, but link ${down.join(", ")} is down: its silence proves nothing; not fencing, staying STANDBY`, { down: down.join(",") });
  }
  if (s.role !== "STANDBY") d.setRole("STANDBY", `peer never heard with link ${down.join(", ")} down`, "warning");
  return true;
}

function decideBooting(d: Draft): void {
  const s = d.state;
  if (!peerAlive(s, d.now)) {
    if (d.now < peerDeadline(s)) return;
    if (startupFenceRefused(d)) return;
    const why = s.peerView.lastHeard === null ? `no heartbeat from ${s.peer.name} within initdead (${s.timers.initdead} ms)` : `${s.peer.name} silent for deadtime (${s.timers.deadtime} ms)`;
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
    if (s.peerView.role === "STOPPED" && echoedRole(s, d.now, "STOPPED")) return becomeActive(d, `peer ${s.peer.name} released the ACTIVE role`);
    if (s.peerView.role === "STANDBY" && echoedRole(s, d.now, "STANDBY") && outranks(s.self, s.peer)) return becomeActive(d, `both standby; this node outranks ${s.peer.name}`);
    return;
  }
  if (s.fence.nextRetryAt !== null && d.now < s.fence.nextRetryAt) return;
  if (s.peerView.lastHeard === null && s.fence.nextRetryAt === null && d.now < peerDeadline(s)) return;
  if (startupFenceRefused(d)) return;
  const silent = s.peerView.lastHeard === null ? null : d.now - s.peerView.lastHeard;
  const why = silent === null ? `${s.peer.name} never heard` : `all links silent for ${silent} ms (deadtime ${s.timers.deadtime} ms)`;
  if (s.fence.nextRetryAt === null) d.log("warning", "peer-dead", `peer ${s.peer.name} dead: ${why}`, { peer: s.peer.name, silentMs: silent });
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
  if (peerAlive(s, d.now)) {
    pv.lost = false;
    if (pv.role !== "ACTIVE") {
      pv.conflict = false;
    } else if (!pv.conflict) {
      pv.conflict = true;
      if (outranks(s.self, s.peer)) {
        d.log("error", "dual-active", `${s.peer.name} also claims ACTIVE; this node outranks it and stays`, { peer: s.peer.name });
      } else {
        selfFence(d, `${s.peer.name} is also ACTIVE and outranks this node`);
      }
    }
    return;
  }
  if (!pv.lost && pv.lastHeard !== null) {
    pv.lost = true;
    d.log("warning", "peer-lost", `peer ${s.peer.name} silent for ${d.now - pv.lastHeard} ms; staying ACTIVE`, { peer: s.peer.name });
  }
}
