// Takeover on an administrator's request (heartbeat's hb_takeover): the STANDBY asks, the ACTIVE hands over cleanly.
//
// Nothing here lets a node go ACTIVE by itself: the ACTIVE answers a request by running its planned switchover
// (services stopped, shared storage frozen, STOPPED announced), and the STANDBY continues its boot only on that
// STOPPED, as for any switchover. Requests and answers echo the receiver's boot, so a replayed one is refused.
import { blockedBy } from "./blocks.ts";
import type { Draft } from "./draft.ts";
import type { FrameInput } from "./inputs.ts";
import { echoedRole, peerAlive } from "./liveness.ts";

/** The request is repeated this often, for this long: a link may drop a frame. */
export const TAKEOVER_RESEND_MS = 1000;
export const TAKEOVER_RESEND_FOR_MS = 5000;
/** How long a STANDBY waits for the ACTIVE's answer (its switchover stops the services first); within the client's 120 s. */
export const TAKEOVER_WAIT_MS = 100000;

/** The administrator asked this node to become ACTIVE. */
export function onTakeoverRequest(d: Draft): void {
  const s = d.state;
  const peer = s.peer.name;
  const answer = (ok: boolean, detail: string) => void d.actions.push({ type: "TakeoverAnswer", ok, detail });
  if (s.role === "ACTIVE") return answer(true, "this node is already ACTIVE");
  if (s.role !== "STANDBY")
    return answer(false, `refused: this node is ${s.role}; only a STANDBY asks its ACTIVE peer to hand over`);
  const blocked = blockedBy(s);
  if (blocked !== null) return answer(false, `refused: activation is blocked here: ${blocked}`);
  if (!peerAlive(s, d.now) || s.peerView.role !== "ACTIVE" || !echoedRole(s, d.now, "ACTIVE")) {
    return answer(
      false,
      `refused: ${peer} is not heard as ACTIVE on serial or UDP (requests travel there); a STANDBY takes over by itself when the ACTIVE dies`,
    );
  }
  if (s.takeover.askedAt !== null) return; // in flight: its answer goes to every administrator waiting
  s.takeover.askedAt = d.now;
  s.takeover.sentAt = d.now;
  d.actions.push({ type: "SendMessage", message: "takeover-request" });
  d.log("notice", "takeover-request", `asked ${peer} to hand over the ACTIVE role (administrator's request)`);
}

/** A takeover-request or takeover-answer frame from the peer (authenticated, echoing this boot). */
export function onTakeoverFrame(d: Draft, f: FrameInput): void {
  const s = d.state;
  if (f.type === "takeover-request") {
    if (s.role !== "ACTIVE" || f.role !== "STANDBY") {
      d.log(
        "info",
        "takeover-ignored",
        `takeover request from ${s.peer.name} (${f.role}) ignored: this node is ${s.role}`,
      );
      return;
    }
    if (s.takeover.handingOver) return; // a copy from another link, or a repeat: the switchover already runs
    s.takeover.handingOver = true;
    d.log("notice", "takeover-requested", `${s.peer.name} asks to take over: planned switchover`);
    d.actions.push({ type: "HandOver", reason: `${s.peer.name} asked to take over` });
    return;
  }
  if (s.takeover.askedAt === null || !f.answer) return; // no request pending here (a copy of an answer already taken)
  finish(d, f.answer.ok, `${s.peer.name}: ${f.answer.detail}`);
}

/** This ACTIVE node's switchover for the peer ended: tell the peer (STOPPED is already on its way when it worked). */
export function onHandoverAnswer(d: Draft, ok: boolean, detail: string): void {
  const s = d.state;
  if (!s.takeover.handingOver) return;
  s.takeover.handingOver = false;
  d.log(ok ? "notice" : "warning", "takeover-answer", `answered ${s.peer.name}'s takeover request: ${detail}`);
  d.actions.push({ type: "SendMessage", message: "takeover-answer", answer: { ok, detail } });
}

/** Every step: repeat a pending request for a while, give up on it after TAKEOVER_WAIT_MS, or end it once ACTIVE. */
export function takeoverTick(d: Draft): void {
  const s = d.state;
  const t = s.takeover;
  if (t.askedAt === null) return;
  if (s.role === "ACTIVE") return finish(d, true, `this node is ACTIVE: ${s.peer.name} handed over`);
  if (s.role !== "STANDBY")
    return finish(d, false, `this node became ${s.role} while waiting for ${s.peer.name}'s answer`);
  if (d.now - t.askedAt >= TAKEOVER_WAIT_MS)
    return finish(d, false, `no answer from ${s.peer.name} within ${TAKEOVER_WAIT_MS / 1000} s`);
  if (d.now - t.askedAt < TAKEOVER_RESEND_FOR_MS && t.sentAt !== null && d.now - t.sentAt >= TAKEOVER_RESEND_MS) {
    t.sentAt = d.now;
    d.actions.push({ type: "SendMessage", message: "takeover-request" });
  }
}

function finish(d: Draft, ok: boolean, detail: string): void {
  d.state.takeover.askedAt = null;
  d.state.takeover.sentAt = null;
  d.log(ok ? "notice" : "warning", "takeover-result", detail);
  d.actions.push({ type: "TakeoverAnswer", ok, detail });
}
