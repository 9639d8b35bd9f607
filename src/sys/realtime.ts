// heartbeat's `realtime on`: lock memory and run the heartbeat thread under SCHED_RR, where permitted.
import { ptr } from "bun:ffi";
import { lastError, libc } from "./libc.ts";

const MCL_CURRENT = 1;
const MCL_FUTURE = 2;
const MCL_ONFAULT = 4;
const SCHED_RR = 2;

/** Lock current and future pages (on fault, so it is quick); null on success, else why not. */
export function lockMemory(): string | null {
  return libc().mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) === 0 ? null : `mlockall refused: ${lastError()}`;
}

/** Put the calling (JavaScript) thread under SCHED_RR at `priority`; null on success, else why not. */
export function setRealtime(priority: number): string | null {
  const param = new Int32Array([priority]);
  return libc().sched_setscheduler(0, SCHED_RR, ptr(param)) === 0 ? null : `SCHED_RR ${priority} refused: ${lastError()}`;
}
