// Reading one process's memory, CPU time and scheduling policy from /proc.
import { readdirSync, readFileSync } from "node:fs";

const POLICIES = ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

/** The kB fields of /proc/PID/status that say what memory costs (VmRSS, VmHWM, VmLck, RssAnon, RssFile) and Threads. */
export function memoryOf(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
    const m = /^(VmRSS|VmHWM|VmLck|RssAnon|RssFile|RssShmem|Threads):\s+(\d+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Fields of /proc/PID/stat (or of one thread's, /proc/PID/task/TID/stat) after the command name (index 0 is field 3, "state"). */
export function statFields(pid: number, tid?: number): string[] {
  const s = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
  return s
    .slice(s.lastIndexOf(")") + 2)
    .trim()
    .split(/\s+/);
}

/** utime + stime of the whole process (every thread), in clock ticks. */
export function cpuTicksOf(pid: number): number {
  const f = statFields(pid);
  return Number(f[11]) + Number(f[12]); // fields 14 and 15
}

/** The scheduling policy and RT priority of the process's main thread, e.g. "SCHED_RR 10". */
export function schedOf(pid: number): string {
  const f = statFields(pid);
  const policy = Number(f[38]); // field 41
  return `${POLICIES[policy] ?? `policy ${policy}`} ${f[37]}`; // field 40: rt_priority
}

/** The kernel's clock ticks per second (getconf CLK_TCK; 100 if that fails). */
export function clockTicks(): number {
  const r = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe", stderr: "ignore" });
  const n = Number(r.stdout.toString().trim());
  return r.exitCode === 0 && n > 0 ? n : 100;
}

/** Pids of the direct children of `ppid` whose command name is `comm`. */
export function childrenNamed(ppid: number, comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, "utf8");
      const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")"));
      if (name === comm && Number(statFields(Number(d))[1]) === ppid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Put thread `pid` under SCHED_RR `priority` with reset-on-fork (what it spawns starts as SCHED_OTHER, nice 0,
 * as under init), or back to SCHED_OTHER with null (chrt).
 */
export function setScheduling(pid: number, priority: number | null): void {
  const args =
    priority === null
      ? ["chrt", "-o", "-p", "0", String(pid)]
      : ["chrt", "-R", "-r", "-p", String(priority), String(pid)];
  const r = Bun.spawnSync(args, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr.toString().trim()}`);
}
