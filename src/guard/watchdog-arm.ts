// Arm the watchdog only when it can back the peer's poison pill: 2 x its applied timeout within the header's msgwait.
import type { DiskTimers } from "../disk/timers.ts";
import { appliedTimeoutProblem } from "../disk/timers.ts";
import type { Watchdog } from "../sys/watchdog.ts";

/** An armed watchdog, or why not and whether trying again later may help. */
export type ArmResult = Watchdog | { error: string; retry: boolean };

/** True when `r` is an armed watchdog. */
export function isArmed(r: ArmResult): r is Watchdog {
  return !("error" in r);
}

/** Open through `open`; keep the watchdog only if its applied timeout fits `header`'s msgwait, else disarm it again. */
export function armForPill(open: () => Watchdog | string, header: DiskTimers | undefined): ArmResult {
  if (!header) return { error: "watchdog not armed: the disk header (its msgwait) has not been read yet", retry: true };
  const w = open();
  if (typeof w === "string") return { error: w, retry: w.includes("ENOENT") };
  const problem = appliedTimeoutProblem(w.timeoutS, header.msgwaitMs);
  if (problem === undefined) return w;
  w.close(true);
  return { error: `${w.device}: ${problem}; disarmed again`, retry: false };
}
