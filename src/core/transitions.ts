// The guarded role transitions: every path to ACTIVE and to fencing goes through here.
import { blockedBy, onlyPending } from "./blocks.ts";
import type { Draft } from "./draft.ts";
import { outranks } from "./precedence.ts";

/** Become ACTIVE (boot continues), unless activation is blocked: then wait or park as STANDBY (holdBack). */
export function becomeActive(d: Draft, reason: string): void {
  const s = d.state;
  const blocked = blockedBy(s);
  if (blocked !== null) {
    holdBack(d, reason, blocked);
    return;
  }
  d.setRole("ACTIVE", reason);
  s.fence.attempts = 0;
  s.fence.nextRetryAt = null;
  d.actions.push({ type: "ContinueBoot" });
  d.actions.push({ type: "SendMessage", message: "takeover" });
}

/**
 * Enter FENCING. The lower-ranked node waits the static delay first on EVERY attempt (a retry too) unless the peer
 * was last known ACTIVE: a peer that was never ACTIVE may be fencing this node at the same moment (a race), while an
 * ACTIVE peer never fences, so its death is taken over at once.
 */
export function startFencing(d: Draft, reason: string): void {
  const s = d.state;
  const blocked = blockedBy(s);
  if (blocked !== null) {
    refuse(d, reason, blocked);
    return;
  }
  const delay = !outranks(s.self, s.peer) && s.peerView.role !== "ACTIVE" ? s.timers.fenceDelay : 0;
  s.fence.fromRole = s.role === "BOOTING" ? "BOOTING" : "STANDBY";
  d.setRole("FENCING", reason, "warning");
  s.fence.issued = false;
  s.fence.issueAt = d.now + delay;
  if (delay > 0)
    d.log("notice", "fence-delay", `waiting the static fence delay of ${delay} ms (lower-ranked node)`, {
      delayMs: delay,
    });
  issueFenceIfDue(d);
}

/** Issue the FencePeer action once the delay has passed. */
export function issueFenceIfDue(d: Draft): void {
  const f = d.state.fence;
  if (d.state.role !== "FENCING" || f.issued || f.issueAt === null || d.now < f.issueAt) return;
  f.issued = true;
  f.issueAt = d.now;
  f.attempts += 1;
  f.target = d.state.peerView.incarnation;
  d.actions.push({ type: "FencePeer", action: "reset", reason: `peer ${d.state.peer.name} presumed dead` });
  d.log("warning", "fence-request", `fencing ${d.state.peer.name} (attempt ${f.attempts})`, {
    target: d.state.peer.name,
    attempt: f.attempts,
  });
}

/**
 * The winner of a dual ACTIVE fences the loser while staying ACTIVE: the loser resets itself, but the kernel may
 * refuse its reset, and a loser gone silent may still write. Tried again every fenceRetry until one confirms or the
 * loser is heard as anything but that ACTIVE boot (secondActiveTick).
 */
export function fenceSecondActive(d: Draft): void {
  const f = d.state.fence;
  if (f.issued) return;
  f.issued = true;
  f.issueAt = d.now;
  f.attempts += 1;
  f.target = d.state.peerView.incarnation;
  d.actions.push({ type: "FencePeer", action: "reset", reason: `${d.state.peer.name} is a second ACTIVE` });
  d.log("warning", "fence-request", `fencing ${d.state.peer.name}, a second ACTIVE (attempt ${f.attempts})`, {
    target: d.state.peer.name,
    attempt: f.attempts,
  });
}

/** While ACTIVE beside a second ACTIVE it outranks: give up a fence that outlived its bound, and try again later. */
export function secondActiveTick(d: Draft): void {
  const s = d.state;
  const f = s.fence;
  if (!s.peerView.conflict || !outranks(s.self, s.peer) || f.issueAt === null) return;
  if (f.issued && d.now - f.issueAt >= s.timers.fenceTimeout) {
    f.issued = false;
    f.lastResult = `no result within ${s.timers.fenceTimeout} ms`;
    d.log(
      "error",
      "fence-failed",
      `fencing the second ACTIVE ${s.peer.name} not confirmed: ${f.lastResult}; trying again in ${s.timers.fenceRetry} ms`,
      { target: s.peer.name },
    );
  }
  if (!f.issued && d.now - f.issueAt >= s.timers.fenceRetry) fenceSecondActive(d);
}

/**
 * The fence is confirmed: the boot it was aimed at is over, so nothing it sent may count any more, whenever it
 * arrives (not the boot heard since: a victim reset by its watchdog may be heard booting before a slow level
 * confirms). What the peer last said is forgotten so that its next boot is judged afresh, and this node goes ACTIVE.
 */
export function fenceConfirmed(d: Draft, device: string, detail: string): void {
  const s = d.state;
  endFence(s, `${device}: ${detail}`);
  d.log("warning", "fence-confirmed", `${s.peer.name} fenced by ${device}: ${detail}`, { target: s.peer.name, device });
  retireTarget(s);
  s.peerView.role = null;
  s.peerView.lastHeard = null;
  s.peerView.firstHeard = null;
  s.peerView.graceUntil = null;
  s.peerView.echoRole = null;
  s.peerView.echoAt = null;
  for (const ch of Object.values(s.channels)) if (ch) Object.assign(ch, { lastHeard: null, late: false, dead: false });
  becomeActive(d, `peer ${s.peer.name} fenced and confirmed (${device})`);
}

/** The second ACTIVE is fenced: that boot is over; this node stays ACTIVE. */
export function secondActiveFenced(d: Draft, detail: string): void {
  const s = d.state;
  endFence(s, detail);
  d.log("warning", "fence-confirmed", `${s.peer.name}, a second ACTIVE, fenced by ${detail}`, { target: s.peer.name });
  retireTarget(s);
  s.peerView.role = null;
  s.peerView.conflict = false;
}

/** The fence of a second ACTIVE did not confirm: tried again after fenceRetry (secondActiveTick). */
export function secondActiveFenceFailed(d: Draft, detail: string): void {
  const s = d.state;
  s.fence.issued = false;
  s.fence.lastResult = detail;
  d.log(
    "error",
    "fence-failed",
    `fencing the second ACTIVE ${s.peer.name} not confirmed: ${detail}; trying again in ${s.timers.fenceRetry} ms`,
    { target: s.peer.name },
  );
}

/**
 * No fence in flight any more: a late result counts for nothing. `result` is kept for status when the fence ended
 * with one; a fence dropped before its result (activation refused meanwhile) keeps the last one.
 */
export function endFence(s: Draft["state"], result?: string): void {
  s.fence.issued = false;
  s.fence.issueAt = null;
  if (result !== undefined) s.fence.lastResult = result;
}

/** Remember the boot a confirmed fence ended (its frames are refused from now on). */
function retireTarget(s: Draft["state"]): void {
  const t = s.fence.target;
  if (t !== null) s.fence.fencedIncarnation = Math.max(s.fence.fencedIncarnation ?? 0, t);
  s.fence.target = null;
}

/** A fence that did not confirm: stay STANDBY, retry later, say why loudly. */
export function fenceFailed(d: Draft, detail: string): void {
  const s = d.state;
  endFence(s, detail);
  s.fence.nextRetryAt = d.now + s.timers.fenceRetry;
  d.log(
    "error",
    "fence-failed",
    `fencing ${s.peer.name} not confirmed: ${detail}; staying STANDBY, retry in ${s.timers.fenceRetry} ms`,
    {
      target: s.peer.name,
      detail,
    },
  );
  d.setRole("STANDBY", "fence not confirmed", "error");
}

/**
 * Stop writing to the shared disk at once. The node goes silent for good (nothing more is sent on any link, in
 * this step or later): should the kernel refuse the reset, the peer must find a dead node and fence it, never
 * hear a STOPPED, which it would take as a clean release. The role is STOPPED here only; it is never announced.
 */
export function selfFence(d: Draft, reason: string, power: "reset" | "off" = "reset", flush = false): void {
  const s = d.state;
  if (s.selfFence) return;
  d.log(
    "critical",
    "self-fence",
    `self-fencing (${power}${flush ? ", after a sync" : ""}): ${reason}; silent on every link from now on`,
    { reason, power },
  );
  d.actions.push({ type: "SelfFence", reason, power, flush });
  s.selfFence = { reason, power, flush, at: d.now, triedAt: d.now };
  d.setRole("STOPPED", `self-fence: ${reason}`, "critical");
}

/** How often a self-fence that has not ended this node yet is tried again. */
export const SELF_FENCE_RETRY_MS = 1000;

/** After a self-fence: send nothing, decide nothing, and repeat the reset until the machine stops. */
export function whileSelfFenced(d: Draft): void {
  const sf = d.state.selfFence;
  if (!sf || d.now - sf.triedAt < SELF_FENCE_RETRY_MS) return;
  d.state.selfFence = { ...sf, triedAt: d.now };
  d.log(
    "critical",
    "self-fence-retry",
    `still running ${d.now - sf.at} ms after self-fencing (${sf.reason}): the reset did not happen; trying again, still silent`,
    { reason: sf.reason },
  );
  d.actions.push({ type: "SelfFence", reason: sf.reason, power: sf.power, flush: false });
}

/**
 * Activation is blocked. A boot younger than initdead whose checks have not answered yet (the first mailbox read
 * is under way) waits in BOOTING, quietly; anything else parks as STANDBY and says why.
 */
function holdBack(d: Draft, reason: string, blocked: string): void {
  const s = d.state;
  if (s.role === "BOOTING" && onlyPending(s) && d.now < s.startedAt + s.timers.initdead) {
    if (s.blockLoggedAt === null) {
      s.blockLoggedAt = d.now;
      d.log("info", "activation-waiting", `would go ACTIVE (${reason}); waiting for: ${blocked}`, { reason });
    }
    return;
  }
  refuse(d, reason, blocked);
}

/** Park as STANDBY; the refusal is logged at once on a role change, then at most every fenceRetry. */
function refuse(d: Draft, reason: string, blocked: string): void {
  const s = d.state;
  if (s.role !== "STANDBY" || s.blockLoggedAt === null || d.now - s.blockLoggedAt >= s.timers.fenceRetry) {
    s.blockLoggedAt = d.now;
    d.log("error", "activation-refused", `would go ACTIVE (${reason}) but activation is blocked: ${blocked}`, {
      reason,
      blocked,
    });
  }
  if (s.role !== "STANDBY") d.setRole("STANDBY", `activation refused: ${blocked}`, "error");
}
