// Human wording of how long ago a wall-clock timestamp was, honest about clock skew.

/** "1.2 s ago", "3.0 min ago", or "0.4 s in the future (clock skew?)" for `then` seen at `now` (both ms). */
export function formatAge(then: number, now: number): string {
  const ms = now - then;
  if (ms < 0) return `${seconds(-ms)} in the future (clock skew?)`;
  return `${seconds(ms)} ago`;
}

/** A duration in ms as seconds, minutes, hours or days with one decimal. */
function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
