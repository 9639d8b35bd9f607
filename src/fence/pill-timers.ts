// How long a poison pill waits: the longer of the config's msgwait and the disk header's (what the victim armed for).
import type { DiskTimers } from "../disk/timers.ts";

/** The msgwait a pill waits, and a warning when the config and the header disagree (null when they agree or no header). */
export function pillMsgwait(configMs: number, header: DiskTimers | null | undefined): { ms: number; warning: string | null } {
  const headerMs = header?.msgwaitMs;
  if (headerMs === undefined || headerMs === configMs) return { ms: configMs, warning: null };
  const ms = Math.max(configMs, headerMs);
  return { ms, warning: `poison-pill msgwait differs: config ${configMs} ms, disk header ${headerMs} ms (recorded by disk init); a pill waits ${ms} ms. Rerun clusterguard disk init (both nodes stopped) to make them agree` };
}
