// What a switchover must do about shared storage a release left behind: freeze it, or refuse to announce STOPPED.
import type { Held } from "./resources/resource.ts";

/** The mount points to freeze before STOPPED, and why STOPPED may not be announced at all (non-empty: abort). */
export interface FreezePlan {
  freeze: string[];
  refuse: string[];
}

/** Held mounts are frozen (each target once); a stuck one (not reachable by its path) refuses the switchover. */
export function freezePlan(held: readonly Held[]): FreezePlan {
  const freeze: string[] = [];
  const refuse: string[] = [];
  for (const h of held) {
    if (h.state === "held" && !freeze.includes(h.target)) freeze.push(h.target);
    if (h.state === "stuck") refuse.push(h.detail);
  }
  return { freeze, refuse };
}
