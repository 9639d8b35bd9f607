// What a guard's main thread was doing around a false failover, sampled from /proc every few ms: whether it waited
// for a CPU (schedstat run_delay), for a page to be read in (major faults, state D), or slept; and whether the
// sampler itself (this process, which also runs the harness's UDP relay) kept running.
import { readFileSync } from "node:fs";
import { statFields } from "./procfs.ts";

/** One sample of one thread. */
interface Sample {
  /** Date.now() of the sample: events carry wall-clock times. */
  at: number;
  /** State letter of /proc/PID/task/TID/stat (R running, S sleeping, D uninterruptible: I/O or a page-in). */
  state: string;
  /** Major faults of the whole process so far. */
  majflt: number;
  /** ns the thread ran, and ns it waited runnable on a run queue (/proc/.../schedstat). */
  execNs: number;
  runDelayNs: number;
  /** The system call it is in when not running (/proc/.../syscall: its number, "running", or "?"). */
  syscall: string;
}

/** What one thread did in a window. */
export interface ThreadWindow {
  samples: number;
  /** ms it waited runnable for a CPU. */
  runDelayMs: number;
  /** ms it ran. */
  ranMs: number;
  majorFaults: number;
  /** The longest span of consecutive samples in state D, ms (0 when never seen in D). */
  longestDMs: number;
  /** Every state seen, with its sample count. */
  states: Record<string, number>;
  /** The longest gap between two samples, ms: the sampler's own stall (its relay stalled with it). */
  samplerGapMs: number;
  /** The longest span in which it did not run at all (its run time unchanged), ms, and the calls it sat in then. */
  longestIdleMs: number;
  idleIn: Record<string, number>;
}

/** x86-64 numbers of the calls an event loop sits in, for the report. */
const SYSCALLS: Record<string, string> = {
  "0": "read",
  "1": "write",
  "7": "poll",
  "17": "pread64",
  "18": "pwrite64",
  "20": "writev",
  "23": "select",
  "35": "nanosleep",
  "74": "fsync",
  "202": "futex",
  "230": "clock_nanosleep",
  "232": "epoll_wait",
  "281": "epoll_pwait",
  "441": "epoll_pwait2",
  "-1": "no call (a fault)",
};

/** The call thread `pid` sits in: a name (x86-64 numbers), "running", "-1" (not in a call: a fault), or "?" (unreadable). */
function syscallOf(pid: number): string {
  try {
    const n = readFileSync(`/proc/${pid}/task/${pid}/syscall`, "utf8").split(" ")[0]?.trim() ?? "?";
    return process.arch === "x64" ? (SYSCALLS[n] ?? n) : n;
  } catch {
    return "?"; // reading it needs ptrace access to the process
  }
}

function sampleOf(pid: number, at: number): Sample | null {
  try {
    const f = statFields(pid, pid);
    const sched = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ");
    const pf = statFields(pid);
    const call = syscallOf(pid);
    return {
      at,
      state: f[0] ?? "?",
      majflt: Number(pf[9]), // field 12 of the whole process
      execNs: Number(sched[0]),
      runDelayNs: Number(sched[1]),
      syscall: call,
    };
  } catch {
    return null; // the process is gone
  }
}

/** Samples the main threads of some processes every `everyMs` and keeps the last `keepMs`. */
export class StallProbe {
  private readonly samples = new Map<number, Sample[]>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly everyMs = 5,
    private readonly keepMs = 5000,
  ) {}

  /** Watch these pids from now on (replacing any watched before). */
  watch(pids: number[]): void {
    this.samples.clear();
    for (const p of pids) this.samples.set(p, []);
    this.timer ??= setInterval(() => this.tick(), this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const at = Date.now();
    for (const [pid, list] of this.samples) {
      const s = sampleOf(pid, at);
      if (s) list.push(s);
      while (list.length > 0 && list[0]!.at < at - this.keepMs) list.shift();
    }
  }

  /** What `pid`'s main thread did between `from` and `to` (Date.now() ms). */
  window(pid: number, from: number, to: number): ThreadWindow {
    const list = (this.samples.get(pid) ?? []).filter((s) => s.at >= from && s.at <= to);
    const states: Record<string, number> = {};
    let longestD = 0;
    let dFrom: number | null = null;
    let gap = 0;
    for (const [i, s] of list.entries()) {
      states[s.state] = (states[s.state] ?? 0) + 1;
      if (i > 0) gap = Math.max(gap, s.at - list[i - 1]!.at);
      if (s.state === "D") {
        dFrom ??= s.at;
        longestD = Math.max(longestD, s.at - dFrom + this.everyMs);
      } else dFrom = null;
    }
    // The longest run of samples over which the thread's run time did not move: it was off the CPU all along.
    let longestIdle = 0;
    let idleIn: Record<string, number> = {};
    for (let i = 0; i < list.length; ) {
      let j = i;
      while (j + 1 < list.length && list[j + 1]!.execNs === list[i]!.execNs) j++;
      const span = list[j]!.at - list[i]!.at;
      if (span > longestIdle) {
        longestIdle = span;
        idleIn = {};
        for (const s of list.slice(i, j + 1)) idleIn[s.syscall] = (idleIn[s.syscall] ?? 0) + 1;
      }
      i = j + 1;
    }
    const first = list[0];
    const last = list.at(-1);
    return {
      samples: list.length,
      runDelayMs: first && last ? (last.runDelayNs - first.runDelayNs) / 1e6 : 0,
      ranMs: first && last ? (last.execNs - first.execNs) / 1e6 : 0,
      majorFaults: first && last ? last.majflt - first.majflt : 0,
      longestDMs: longestD,
      states,
      samplerGapMs: gap,
      longestIdleMs: longestIdle,
      idleIn,
    };
  }
}

/** One line for a window. */
export function describeWindow(w: ThreadWindow): string {
  const states = Object.entries(w.states)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const calls = Object.entries(w.idleIn ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return `ran ${w.ranMs.toFixed(1)} ms, waited for a CPU ${w.runDelayMs.toFixed(1)} ms, ${w.majorFaults} major faults, longest in D ${w.longestDMs} ms, longest off the CPU ${w.longestIdleMs} ms (in ${calls || "-"}), states ${states}; ${w.samples} samples, the sampler's longest gap ${w.samplerGapMs} ms`;
}
