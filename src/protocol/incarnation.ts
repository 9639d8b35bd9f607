// The boot incarnation rule that replay protection rests on (see replay.ts, point 1).

/** Incarnation for this boot: max(wall-clock ms now, last stored incarnation + 1). */
export function nextIncarnation(wallClockMs: number, lastStored: number): number {
  const candidate = Math.max(Math.floor(wallClockMs), lastStored + 1, 1);
  if (!Number.isSafeInteger(candidate)) {
    throw new RangeError(`nextIncarnation: expected a result up to ${Number.MAX_SAFE_INTEGER}, got ${candidate}`);
  }
  return candidate;
}
