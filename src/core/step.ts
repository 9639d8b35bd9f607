// The state machine's one entry point: (state, input) -> (next state, actions). Pure.
import type { Action } from "./actions.ts";
import { decide } from "./decide.ts";
import { peerAlive } from "./liveness.ts";
import { Draft } from "./draft.ts";
import { blockedBy, clearBlock, setBlock } from "./blocks.ts";
import type { FrameInput, Input, PillInput, SafetyInput, TwinInput } from "./inputs.ts";
import { onHandoverAnswer, onTakeoverFrame, onTakeoverRequest, takeoverTick } from "./takeover.ts";
import {
  endFence,
  fenceConfirmed,
  fenceFailed,
  secondActiveFenced,
  secondActiveFenceFailed,
  selfFence,
  whileSelfFenced,
} from "./transitions.ts";
import type { CoreState } from "./state.ts";

export interface StepResult {
  state: CoreState;
  actions: Action[];
}

/** Feed one observation to the core. Never mutates `state`. */
export function step(state: CoreState, input: Input): StepResult {
  const d = new Draft(state, input.now);
  if (state.selfFence) return selfFencedStep(d, input);
  switch (input.kind) {
    case "tick":
      if (input.stalledMs) onStall(d, input.stalledMs);
      break;
    case "frame":
      onFrame(d, input);
      break;
    case "rejected":
      d.state.rejected += 1;
      break;
    case "channel":
      onChannel(d, input.channel, input.up, input.detail);
      break;
    case "fence-result":
      onFenceResult(d, input.ok, input.device, input.detail);
      break;
    case "pill":
      onPill(d, input);
      break;
    case "safety":
      onSafety(d, input);
      break;
    case "stop":
      onStop(d, input.reason);
      break;
    case "takeover":
      onTakeoverRequest(d);
      break;
    case "handover-answer":
      onHandoverAnswer(d, input.ok, input.detail);
      break;
    case "twin":
      onTwin(d, input);
      break;
    case "confirm-off":
      onConfirmOff(d, input.detail);
      break;
  }
  decide(d);
  takeoverTick(d);
  heartbeatIfDue(d);
  // A self-fence in this step silences it too: nothing queued before it may still go out. So does a twin that is not
  // ACTIVE: the peer must hear one node of this name, and never a STOPPED it could take for a clean release.
  if (d.state.selfFence || silentTwin(d.state))
    return { state: d.state, actions: d.actions.filter((a) => a.type !== "SendHeartbeat" && a.type !== "SendMessage") };
  return { state: d.state, actions: d.actions };
}

/**
 * This node did not run for `ms`: move every "last heard" forward by that much (never past now), so the peer's
 * frames queued meanwhile arrive before its silence is judged. Only ever delays declaring the peer dead.
 */
function onStall(d: Draft, ms: number): void {
  const s = d.state;
  const shift = (t: number | null) => (t === null ? null : Math.min(d.now, t + ms));
  s.peerView.lastHeard = shift(s.peerView.lastHeard);
  // Every clock the core judges silence or waits by: initdead and the mailbox quiet (from startedAt), how long a
  // link has been up (the disk's proof of death), a fence's static delay, its timeout and its retry.
  s.startedAt = shift(s.startedAt) ?? s.startedAt;
  for (const ch of Object.values(s.channels)) {
    if (!ch) continue;
    ch.lastHeard = shift(ch.lastHeard);
    ch.upSince = shift(ch.upSince);
  }
  s.fence.issueAt = shift(s.fence.issueAt);
  s.fence.nextRetryAt = shift(s.fence.nextRetryAt);
  d.log("warning", "self-stall", `this node did not run for ${ms} ms: that time is not counted as the peer's silence`, {
    stalledMs: ms,
  });
}

/**
 * The administrator says the peer is off: a confirmed fence of the peer boot last heard (or never heard), unless the
 * peer is heard, this node is ACTIVE already, or it has stopped. Activation then goes through the usual blocks.
 */
function onConfirmOff(d: Draft, detail: string): void {
  const s = d.state;
  const answer = (ok: boolean, text: string) => void d.actions.push({ type: "ConfirmOffAnswer", ok, detail: text });
  if (s.role === "ACTIVE" || s.role === "STOPPED")
    return answer(false, `refused: this node is ${s.role}; only a node waiting to take over needs ${s.peer.name} off`);
  if (peerAlive(s, d.now)) {
    const ago = s.peerView.lastHeard === null ? 0 : d.now - s.peerView.lastHeard;
    return answer(false, `refused: ${s.peer.name} was heard ${ago} ms ago: a node that is heard is not off`);
  }
  // Counted, a confirm retires the peer's boot: its frames are refused from then on. So it is taken only when it can
  // lead to activation at once, and only after this node had every chance to hear the peer.
  const blocked = blockedBy(s);
  if (blocked !== null) return answer(false, `refused, nothing counted: activation is blocked (${blocked})`);
  if (d.now < s.startedAt + s.timers.initdead)
    return answer(
      false,
      `refused: this node started ${d.now - s.startedAt} ms ago; wait initdead (${s.timers.initdead} ms) to hear ${s.peer.name} first`,
    );
  const disk = s.channels.disk;
  if (disk && !disk.up)
    return answer(
      false,
      `refused: the shared disk cannot be read here, so ${s.peer.name}'s slot cannot show whether it still runs`,
    );
  if (s.role !== "FENCING") s.fence.target = s.peerView.incarnation;
  d.log("critical", "fence-manual", `the administrator confirms ${s.peer.name} is off: ${detail}`, {
    target: s.peer.name,
  });
  fenceConfirmed(d, "the administrator", detail);
  const role = s.role as string;
  answer(
    true,
    role === "ACTIVE"
      ? `${s.peer.name} counted as fenced; this node is ACTIVE`
      : `${s.peer.name} counted as fenced; this node is ${role}: ${blockedBy(s) ?? "not activated"}`,
  );
}

/** Another machine runs as this node and this one is not ACTIVE: it parks silently (no frames, no slot writes). */
export function silentTwin(s: CoreState): boolean {
  return s.blocks.twin !== undefined && s.role !== "ACTIVE";
}

/**
 * Another machine writes this node's disk slot. Not ACTIVE: never activate, never fence, and go silent for the rest
 * of this boot. ACTIVE beside an ACTIVE twin: the later boot of the two resets itself (both judge the same way).
 * ACTIVE beside a parked twin: stay ACTIVE (the twin parks itself) and say so.
 */
function onTwin(d: Draft, i: TwinInput): void {
  const s = d.state;
  const first = s.blocks.twin === undefined;
  const reason = `another machine runs as ${s.self.name} (boot ${i.incarnation}, ${i.role}, seen in this node's disk slot): check that machine's boot entry (docs/design.md, node identity)`;
  setBlock(s, "twin", { reason, pending: false });
  if (s.role === "ACTIVE" && i.role === "ACTIVE" && i.laterBoot) {
    selfFence(d, `${reason}; both ACTIVE and this boot is the later one`);
    return;
  }
  if (!first) return;
  if (s.role === "FENCING") {
    endFence(s);
    d.setRole("STANDBY", `activation refused: ${reason}`, "error");
  }
  d.log(
    "critical",
    "twin",
    s.role === "ACTIVE"
      ? `${reason}; staying ACTIVE, the other machine parks itself`
      : `${reason}; parked silently: never ACTIVE in this boot`,
    { incarnation: i.incarnation, twinRole: i.role },
  );
}

/** A self-fenced node only counts what arrives, answers waiting administrators, and repeats its reset. */
function selfFencedStep(d: Draft, input: Input): StepResult {
  if (input.kind === "rejected") d.state.rejected += 1;
  if (input.kind === "takeover")
    d.actions.push({
      type: "TakeoverAnswer",
      ok: false,
      detail: `refused: this node is self-fencing (${d.state.selfFence?.reason})`,
    });
  whileSelfFenced(d);
  return { state: d.state, actions: d.actions };
}

function onFrame(d: Draft, f: FrameInput): void {
  const s = d.state;
  const pv = s.peerView;
  if (f.node !== s.peer.name) return;
  // From an earlier boot of the peer (buffered in a line, overtaken by its new boot on another link): says nothing now.
  if (pv.incarnation !== null && f.incarnation < pv.incarnation) return;
  // From a boot this node fenced (a capture replayed, bytes buffered during the outage): that boot is over.
  if (s.fence.fencedIncarnation !== null && f.incarnation <= s.fence.fencedIncarnation) {
    s.rejected += 1;
    return;
  }
  if (
    pv.incarnation !== null &&
    f.incarnation === pv.incarnation &&
    f.seq !== undefined &&
    pv.lastSeq !== null &&
    (f.seq < pv.lastSeq || (f.seq === pv.lastSeq && !(pv.lastSeqFromDisk && f.channel !== "disk")))
  ) {
    // Below the newest: overtaken. Equal: another link's copy of the newest frame, taken already; held back and
    // delivered late (an attacker who dropped it on the way), it must not put the peer's death off (row 18.4). But
    // the slot stands in for a frame as a plain heartbeat: the first cable copy of its seq is taken (row 18.6).
    return onOvertaken(d, f);
  }
  if (f.seq !== undefined) {
    pv.lastSeq = f.seq;
    pv.lastSeqFromDisk = f.channel === "disk";
  } else if (f.incarnation !== pv.incarnation) pv.lastSeq = null;
  if (pv.incarnation !== null && f.incarnation !== pv.incarnation) {
    d.log("notice", "peer-restarted", `${s.peer.name} restarted (incarnation ${pv.incarnation} -> ${f.incarnation})`, {
      peer: s.peer.name,
    });
    pv.graceUntil = null;
  }
  if (pv.lastHeard !== null) {
    const gap = d.now - pv.lastHeard;
    if (gap >= s.timers.warntime) {
      d.log("warning", "late-heartbeat", `late heartbeat from ${s.peer.name}: ${gap} ms since the last one`, {
        gapMs: gap,
      });
    } else if (gap > 2 * s.timers.keepalive) {
      d.log("info", "heartbeat-gap", `${gap} ms since the last heartbeat from ${s.peer.name}`, { gapMs: gap });
    }
  }
  heardOn(d, f);
  pv.lastHeard = d.now;
  pv.firstHeard ??= d.now;
  pv.late = false;
  pv.incarnation = f.incarnation;
  if (f.priority !== undefined && f.priority !== s.peer.priority) onPeerPriority(d, f.priority);
  if (pv.role !== f.role) {
    d.log("info", "peer-role", `${s.peer.name} is ${f.role}`, { peer: s.peer.name, peerRole: f.role });
  }
  pv.role = f.role;
  if (
    f.type !== "handoff-grace" &&
    pv.graceCount > 0 &&
    (f.seq === undefined || pv.graceSeq === null || f.seq > pv.graceSeq)
  )
    pv.heardAfterGrace = true;
  if (f.echo) {
    pv.echoRole = f.role;
    pv.echoAt = d.now;
  }
  s.fence.nextRetryAt = null;
  onMessage(d, f);
}

/**
 * The peer announces a priority other than this node's config gives it: the two run different configs (one was
 * rebooted into a regenerated initrd first, or /etc and an initrd differ). Who outranks whom is judged by the priority
 * each node announces for itself, the same two numbers on both nodes, so they never both find that they outrank the
 * other (docs/design.md, row 18.3).
 */
function onPeerPriority(d: Draft, priority: number): void {
  const s = d.state;
  d.log(
    "critical",
    "config-differs",
    `${s.peer.name} announces priority ${priority}; this node's config gives it ${s.peer.priority}: the two nodes run different configs (regenerate the initrd on both); who outranks whom is judged by the priorities each announces`,
    { peer: s.peer.name, announced: priority, configured: s.peer.priority },
  );
  s.peer = { ...s.peer, priority };
}

/**
 * A frame overtaken by a later one on another link (the peer sent it first; serial lags UDP): it proves its link
 * alive and nothing more. Its role is out of date: taking it would, for one, turn a peer that just announced
 * STOPPED back into an ACTIVE one beside this new ACTIVE node (a false dual ACTIVE). Its message is out of date
 * too, and it is exactly what a replay looks like once the window is gone: it triggers nothing (a request that
 * matters is repeated, and each copy travels on every link).
 */
function onOvertaken(d: Draft, f: FrameInput): void {
  heardOn(d, f);
}

/** The frame's link carries heartbeats (again). */
function heardOn(d: Draft, f: FrameInput): void {
  const ch = d.state.channels[f.channel];
  if (!ch) return;
  if (ch.dead) d.log("notice", "link-restored", `heartbeats on ${f.channel} again`, { channel: f.channel });
  ch.lastHeard = d.now;
  ch.late = false;
  ch.dead = false;
}

/** What a frame other than a heartbeat asks for. */
function onMessage(d: Draft, f: FrameInput): void {
  if (f.type === "handoff-grace") onGrace(d, f);
  if (f.type === "fence-request" && d.state.role !== "STOPPED")
    selfFence(d, `${d.state.peer.name} asked this node to reset`, "reset", true);
  if (f.type === "takeover-request" || f.type === "takeover-answer") onTakeoverFrame(d, f);
}

/** Hand-overs (and agent restarts) one peer boot may announce a grace for; past this, its silences are judged plainly. */
export const MAX_GRACES_PER_BOOT = 32;

/**
 * One grace per hand-over: the guard's to the agent, then each agent stop or restart. A grace is granted to an
 * ACTIVE peer when it is not a copy of the last one (copies travel on every link with one sequence number), the
 * peer was heard with a newer frame since that one (the previous hand-over finished: a holder cannot chain graces
 * without heartbeating in between), and the boot has not used up MAX_GRACES_PER_BOOT. Each is counted in the log.
 */
function onGrace(d: Draft, f: FrameInput): void {
  const s = d.state;
  const pv = s.peerView;
  if (pv.graceUsedBy !== f.incarnation) {
    pv.graceUsedBy = f.incarnation;
    pv.graceCount = 0;
    pv.graceSeq = null;
    pv.heardAfterGrace = false;
  }
  // A copy from another link: the same sequence number, or (no order known) nothing newer heard while it runs.
  if (f.seq !== undefined && pv.graceSeq === f.seq) return;
  if (pv.graceCount > 0 && !pv.heardAfterGrace && pv.graceUntil !== null && d.now < pv.graceUntil) return;
  const refuse = (why: string) =>
    d.log("warning", "grace-refused", `handoff grace from ${s.peer.name} refused: ${why}`, { peer: s.peer.name });
  if (f.role !== "ACTIVE") return refuse(`its role is ${f.role}; only an ACTIVE node hands its links over`);
  if (pv.graceCount > 0 && !pv.heardAfterGrace) {
    return refuse("not heard since its last grace: the hand-over it announced has not finished");
  }
  if (pv.graceCount >= MAX_GRACES_PER_BOOT)
    return refuse(`this boot of ${s.peer.name} used all ${MAX_GRACES_PER_BOOT} graces`);
  const ms = Math.max(0, Math.min(f.graceMs ?? 0, s.timers.handoffGrace));
  pv.graceUntil = d.now + ms;
  pv.graceCount += 1;
  pv.graceSeq = f.seq ?? null;
  pv.heardAfterGrace = false;
  d.log(
    "notice",
    "grace",
    `${s.peer.name} announced a handoff grace of ${ms} ms (hand-over ${pv.graceCount} of at most ${MAX_GRACES_PER_BOOT} in its boot)`,
    { graceMs: ms, count: pv.graceCount },
  );
}

function onChannel(d: Draft, channel: string, up: boolean, detail?: string): void {
  const ch = d.state.channels[channel as keyof CoreState["channels"]];
  if (!ch || ch.up === up) return;
  ch.up = up;
  ch.upSince = up ? d.now : null;
  d.log(
    up ? "notice" : "warning",
    up ? "link-up" : "link-down",
    `${channel} ${up ? "up" : "down"}${detail ? `: ${detail}` : ""}`,
    {
      channel,
    },
  );
}

/** A fence ended: confirmed or failed, for the FENCING node (then ACTIVE or STANDBY) or an ACTIVE one's second ACTIVE. */
function onFenceResult(d: Draft, ok: boolean, device: string, detail: string): void {
  const s = d.state;
  const what = `${device}: ${detail}`;
  if (s.role === "ACTIVE" && s.fence.issued) return ok ? secondActiveFenced(d, what) : secondActiveFenceFailed(d, what);
  if (s.role !== "FENCING" || !s.fence.issued) {
    d.log("info", "fence-result-ignored", `late fence result from ${device} ignored: ${detail}`);
    return;
  }
  return ok ? fenceConfirmed(d, device, detail) : fenceFailed(d, what);
}

function onPill(d: Draft, { present, fresh, power, detail }: PillInput): void {
  const s = d.state;
  // Any pill report is a decoded read of this node's own mailbox: the clean-start check is met, whatever it found.
  const unread = clearBlock(s, "mailbox");
  if (unread && !unread.pending)
    d.log("notice", "activation-check", `own mailbox read again${blockedBy(s) === null ? "; activation allowed" : ""}`);
  if (!present) {
    if (clearBlock(s, "pill"))
      d.log("notice", "pill-cleared", `poison pill cleared; ${stillBlocked(s, "activation allowed again")}`);
    return;
  }
  const why = `poison pill pending in this node's slot${detail ? ` (${detail})` : ""}`;
  if (!s.blocks.pill) d.log("critical", "pill", why);
  setBlock(s, "pill", { reason: why, pending: false });
  // A pill that arrives while this boot runs is the fencer's order: obey it in any role, STOPPED too (SBD's servant
  // does); an ACTIVE node obeys any pill it finds. Both as the pill says: reset, or power off.
  if (fresh === true || s.role === "ACTIVE") selfFence(d, why, power ?? "reset");
  else if (s.role === "FENCING" || s.role === "BOOTING") {
    endFence(s);
    d.setRole("STANDBY", `activation refused: ${why}`, "error");
  }
}

function onSafety(d: Draft, { check, ok, detail }: SafetyInput): void {
  const s = d.state;
  if (ok) {
    const was = clearBlock(s, check);
    if (was && !was.pending)
      d.log("notice", "activation-check", `${check}: ${detail}; ${stillBlocked(s, "activation allowed")}`, { check });
    return;
  }
  const reason =
    check === "mailbox"
      ? `own mailbox never read clean: ${detail}`
      : check === "slot"
        ? `own disk slot never read back: ${detail}`
        : `watchdog not armed: ${detail}`;
  if (s.blocks[check]?.reason === reason) return;
  setBlock(s, check, { reason, pending: false });
  const then =
    s.role === "ACTIVE"
      ? "this ACTIVE node can no longer promise to obey the peer's poison pill"
      : "this node will neither go ACTIVE nor fence its peer";
  d.log("critical", "activation-blocked", `${reason}: ${then}`, { check });
  // A fence that has not confirmed yet would end in a refused activation: stop it now.
  if (s.role === "FENCING") {
    endFence(s);
    d.setRole("STANDBY", `activation refused: ${reason}`, "error");
  }
}

/** After a block was lifted: `allowed` when nothing blocks any more, else what still does. */
function stillBlocked(s: CoreState, allowed: string): string {
  const why = blockedBy(s);
  return why === null ? allowed : `still blocked: ${why}`;
}

function onStop(d: Draft, reason: string): void {
  if (d.state.role === "STOPPED") return;
  d.setRole("STOPPED", reason);
}

/** A starting guard (not an agent resuming as ACTIVE) stays silent until its first mailbox read, at most this long. */
export const MAILBOX_QUIET_MS = 2000;

/**
 * SBD's order at start: read this node's own mailbox before announcing the new boot. The fencer clears its pill as
 * soon as it hears the victim's new boot, so a node that announced itself first could miss the pill it came back
 * to, and the clean start would hang on a race (the lab saw it). Activation still waits for the read after the quiet.
 */
function quietForMailbox(s: CoreState, now: number): boolean {
  return s.role !== "ACTIVE" && s.blocks.mailbox?.pending === true && now - s.startedAt < MAILBOX_QUIET_MS;
}

function heartbeatIfDue(d: Draft): void {
  const s = d.state;
  if (s.selfFence || quietForMailbox(s, d.now)) return;
  if (s.lastSent !== null && d.now - s.lastSent < s.timers.keepalive) return;
  s.lastSent = d.now;
  d.actions.push({ type: "SendHeartbeat" });
}
