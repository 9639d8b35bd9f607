// Cross-checks between timers, as Linux-HA heartbeat does them.
import type { Checker, Draft } from "./validate-context.ts";

type TimerKey = keyof NonNullable<Draft["timers"]>;
const at = (key: TimerKey) => ["timers", key];

/** deadtime > 2 x keepalive; keepalive < warntime < deadtime; initdead >= deadtime; handoff_grace >= deadtime. */
export function checkTimers(d: Draft, ck: Checker): void {
  // A timer that already failed a check is not used to judge the others (no cascades), hence re-reads.
  const get = (key: TimerKey): number | undefined => {
    const v = d.timers?.[key];
    return typeof v === "number" && !ck.isInvalid(at(key)) ? v : undefined;
  };
  const k = get("keepalive");
  const dead0 = get("deadtime");
  if (k !== undefined && dead0 !== undefined && !(dead0 > 2 * k)) {
    ck.cross(at("deadtime"), dead0, `an integer greater than 2 x timers.keepalive (2 x ${k} = ${2 * k})`, [at("keepalive")]);
  }
  const warn0 = get("warntime");
  if (k !== undefined && warn0 !== undefined && !(warn0 > k)) {
    ck.cross(at("warntime"), warn0, `an integer greater than timers.keepalive (${k})`, [at("keepalive")]);
  }
  const dead = get("deadtime");
  if (dead === undefined) return;
  const warn = get("warntime");
  if (warn !== undefined && !(warn < dead)) {
    ck.cross(at("warntime"), warn, `an integer less than timers.deadtime (${dead})`, [at("deadtime")]);
  }
  const init = get("initdead");
  if (init !== undefined && init < dead) {
    ck.cross(at("initdead"), init, `an integer of at least timers.deadtime (${dead})`, [at("deadtime")]);
  }
  const grace = get("handoff_grace");
  if (grace !== undefined && grace < dead) {
    ck.cross(at("handoff_grace"), grace, `an integer of at least timers.deadtime (${dead}) and at most 120000`, [at("deadtime")]);
  }
}
