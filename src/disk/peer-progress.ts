// Whether a peer's heartbeat slot moved forward: a higher incarnation (it rebooted), or the same one with a higher seq.

/** The (incarnation, seq) pair last reported. */
export type Progress = { incarnation: number; seq: number };

/** True when `next` is strictly after `last` (or nothing was reported yet). */
export function advanced(last: Progress | undefined, next: Progress): boolean {
  if (last === undefined) return true;
  return next.incarnation > last.incarnation || (next.incarnation === last.incarnation && next.seq > last.seq);
}
