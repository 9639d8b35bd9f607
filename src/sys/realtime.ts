// heartbeat's `realtime on`: lock memory and run the heartbeat thread under SCHED_RR, where permitted.
import { ptr } from "bun:ffi";
import { readdirSync, readFileSync } from "node:fs";
import { lastError, libc } from "./libc.ts";

const MCL_CURRENT = 1;
const MCL_FUTURE = 2;
const MCL_ONFAULT = 4;
const SCHED_OTHER = 0;
const SCHED_RR = 2;
const PRIO_PROCESS = 0;
/** Or'ed into the policy: a child (fork, posix_spawn) starts under SCHED_OTHER at nice 0, not real-time. */
export const SCHED_RESET_ON_FORK = 0x40000000;

/** Lock current and future pages (on fault, so it is quick); null on success, else why not. */
export function lockMemory(): string | null {
  return libc().mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) === 0 ? null : `mlockall refused: ${lastError()}`;
}

/**
 * Put every thread of this process under SCHED_RR at `priority` (threads started later do not inherit it: see
 * realtimeStragglers); null on success, else why not. All of them, not just the JavaScript thread: the runtime's own
 * helpers (JIT, GC, the thread pool) are waited on by spinning, and a real-time thread spinning on a
 * normal one only gets it back when RT throttling steps in, about once a second. With
 * SCHED_RESET_ON_FORK: checks, recover commands and the daemons they start run at normal priority.
 */
export function setRealtime(priority: number, taskDir = "/proc/self/task"): string | null {
  const tids = threadIds(taskDir) ?? [0];
  const refused = tids.filter((tid) => !toRealtime(tid, priority));
  return refused.length === 0
    ? null
    : `SCHED_RR ${priority} refused for ${refused.length} of ${tids.length} threads: ${lastError()}`;
}

/** The ids of this process's threads, or null when `taskDir` cannot be read. */
function threadIds(taskDir: string): number[] | null {
  try {
    return readdirSync(taskDir).map(Number);
  } catch {
    return null;
  }
}

/** Put thread `tid` under SCHED_RR `priority`, reset on fork; true when done. */
function toRealtime(tid: number, priority: number): boolean {
  return libc().sched_setscheduler(tid, SCHED_RR | SCHED_RESET_ON_FORK, ptr(new Int32Array([priority]))) === 0;
}

/** The scheduling policy of thread `tid` (field 41 of its stat) and its name, or null once it has ended. */
function threadOf(taskDir: string, tid: number): { policy: number; name: string } | null {
  try {
    const stat = readFileSync(`${taskDir}/${tid}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { policy: Number(fields[38]), name };
  } catch {
    return null;
  }
}

/**
 * Threads the runtime starts after setRealtime (its GC marking helpers at the first collection, its I/O pool at the
 * first asynchronous file operation) start under SCHED_OTHER: SCHED_RESET_ON_FORK resets every clone, threads as
 * well as children. Under load such a helper waits behind every normal process while the real-time JavaScript thread
 * waits for it (a collection, a disk read): the guard as a whole stops. Put each thread not under SCHED_RR there at
 * `priority`; returns those moved ("name tid") and those refused.
 */
export function realtimeStragglers(
  priority: number,
  taskDir = "/proc/self/task",
): { moved: string[]; refused: string[] } {
  const moved: string[] = [];
  const refused: string[] = [];
  for (const tid of threadIds(taskDir) ?? []) {
    const t = threadOf(taskDir, tid);
    if (t === null || t.policy === SCHED_RR) continue;
    const ok = toRealtime(tid, priority);
    const why = ok ? "" : ` (${lastError()})`; // read before the next system call changes it
    // A thread that ended meanwhile is passed over. Thread ids are the system's: one of ours that ended just before the
    // call may have been reused by another process, which this process does not list: that one is put back.
    if (threadOf(taskDir, tid) === null) {
      if (ok) libc().sched_setscheduler(tid, SCHED_OTHER, ptr(new Int32Array([0])));
      continue;
    }
    (ok ? moved : refused).push(`${t.name} ${tid}${why}`);
  }
  return { moved, refused };
}

/**
 * Put process `pid` (one thread: a child not yet running anything else) under SCHED_OTHER at nice 0, whatever it
 * inherited; null on success, else why not. Lowering a process's own priority needs no privilege.
 */
export function normalPriority(pid: number): string | null {
  const param = new Int32Array([0]);
  const problems: string[] = [];
  if (libc().sched_setscheduler(pid, SCHED_OTHER, ptr(param)) !== 0) problems.push(`SCHED_OTHER: ${lastError()}`);
  if (libc().setpriority(PRIO_PROCESS, pid, 0) !== 0) problems.push(`nice 0: ${lastError()}`);
  return problems.length === 0 ? null : `pid ${pid}: ${problems.join("; ")}`;
}
