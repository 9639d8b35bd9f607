// Per-channel and whole-peer liveness: when the peer counts as silent, late, or dead.
import type { Draft } from "./draft.ts";
import type { CoreState } from "./state.ts";
import type { ChannelKind, Role } from "./types.ts";

/** The time at which the peer counts as dead if nothing more is heard. */
export function peerDeadline(s: CoreState): number {
  const { lastHeard, graceUntil } = s.peerView;
  const base = lastHeard === null ? s.startedAt + s.timers.initdead : lastHeard + s.timers.deadtime;
  return graceUntil === null ? base : Math.max(base, graceUntil);
}

/** True while the peer has been heard within deadtime (or its grace). */
export function peerAlive(s: CoreState, now: number): boolean {
  return s.peerView.lastHeard !== null && now < peerDeadline(s);
}

/** Log late and dead links once per silence episode; no decision depends on one link alone. */
export function checkLinks(d: Draft): void {
  const s = d.state;
  if (s.peerView.lastHeard === null) return;
  for (const name in s.channels) {
    const ch = s.channels[name as keyof typeof s.channels];
    if (!ch) continue;
    const silent = d.now - (ch.lastHeard ?? s.peerView.firstHeard ?? d.now);
    if (!ch.late && silent >= s.timers.warntime) {
      ch.late = true;
      d.log("warning", "link-late", `no heartbeat on ${name} for ${silent} ms (warntime ${s.timers.warntime} ms)`, {
        channel: name,
        silentMs: silent,
      });
    }
    if (!ch.dead && silent >= s.timers.deadtime) {
      ch.dead = true;
      const alive = aliveLinks(s, d.now);
      d.log(
        "warning",
        "link-dead",
        `link ${name} silent for ${silent} ms; ${alive.length} link(s) still carry heartbeats`,
        {
          channel: name,
          silentMs: silent,
          linksAlive: alive.join(",") || null,
        },
      );
    }
  }
  const peerSilent = d.now - s.peerView.lastHeard;
  if (!s.peerView.late && peerSilent >= s.timers.warntime && d.now < peerDeadline(s)) {
    s.peerView.late = true;
    d.log(
      "warning",
      "peer-late",
      `all links silent for ${peerSilent} ms; peer declared dead at ${s.timers.deadtime} ms`,
      {
        silentMs: peerSilent,
      },
    );
  }
}

/** The channels that heard the peer within deadtime. */
export function aliveLinks(s: CoreState, now: number): ChannelKind[] {
  const out: ChannelKind[] = [];
  for (const [name, ch] of Object.entries(s.channels)) {
    if (ch?.lastHeard != null && now - ch.lastHeard < s.timers.deadtime) out.push(name as ChannelKind);
  }
  return out;
}

/** The peer said `role` in a frame that echoed this boot, within deadtime: fresh enough to act on. */
export function echoedRole(s: CoreState, now: number, role: Role): boolean {
  const { echoRole, echoAt } = s.peerView;
  return echoRole === role && echoAt !== null && now - echoAt < s.timers.deadtime;
}
