// False failovers under load: the aggressive setting for a while, with stress-ng starving the CPUs, I/O and memory.
import { onInterrupt } from "./cleanup.ts";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Pair } from "../test/harness/pair.ts";
import type { GuardEvent } from "../test/harness/guard-process.ts";
import { SETTINGS } from "./detection.ts";
import { childrenNamed, schedOf, setScheduling } from "./procfs.ts";
import { describeWindow, StallProbe, type ThreadWindow } from "./stall-probe.ts";

/** The harness's cable: the UDP relay (this process's main thread) and socat, under SCHED_RR like real wires, or not. */
export type Cable = "rt" | "normal";
const CABLE_PRIORITY = 20; // above the guards' 10: the cable stands for a wire and the kernel, not for a process

/** The default load: every CPU, one I/O (sync) worker and one 256 MiB memory worker. */
export const STRESS_ARGS = ["--cpu", String(availableParallelism()), "--io", "1", "--vm", "1", "--vm-bytes", "256M"];

/** What happened on the links and to the roles while under load. */
export interface LoadResult {
  seconds: number;
  stressCommand: string[];
  stressExit: number | null;
  /** Seconds stress-ng actually ran inside the window (less than `seconds` means it died early). */
  stressSeconds: number;
  /** /proc/loadavg near the end of the window. */
  loadavg: string;
  guardSched: string;
  /** How the harness's relay and socat were scheduled. */
  cable: string;
  /** b's "peer-dead" events: each one is a false failover (nobody was killed). */
  falsePeerDead: {
    ts: string;
    message: string;
    silentMs: unknown;
    standbyStalled: boolean;
    precededBy: string[];
    /** The ACTIVE's and the STANDBY's main threads over the second before the peer-dead (stall-probe.ts). */
    active?: ThreadWindow;
    standby?: ThreadWindow;
    /** The ACTIVE's own self-stall events in that second: its event loop did not run (stalledMs each). */
    activeSelfStalls?: unknown[];
  }[];
  /** a's "peer-lost" (the ACTIVE stopped hearing its STANDBY for deadtime). */
  peerLost: number;
  /** "link-late" warnings per node and channel, and "link-dead" / "peer-late" counts. */
  linkLate: Record<string, number>;
  linkDead: Record<string, number>;
  peerLate: number;
  /** Pairs started fresh after a false failover, so the count covers the whole period. */
  restarts: number;
}

const count = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

/** The load test reports itself once a minute and at its end: that many steps. */
export const loadSteps = (seconds: number) => Math.ceil(seconds / 60);

/**
 * Run the aggressive pair for `seconds` under `stress-ng --cpu NPROC --io 1 --vm 1 --vm-bytes 256M` (nice 0);
 * `onStep` hears how far it is each minute and at the end (loadSteps calls).
 */
export async function measureLoad(
  seconds: number,
  port: number,
  say: (s: string) => void,
  cable: Cable = "rt",
  stressArgs = STRESS_ARGS,
  onStep: (what: string) => void = () => {},
): Promise<LoadResult> {
  const t = SETTINGS.find((s) => s.name === "aggressive")!.timers;
  const pair = new Pair(port, t, true);
  const forget = onInterrupt(() => pair.teardown());
  const stressCommand = ["stress-ng", ...stressArgs, "--timeout", `${seconds + 30}s`, "--quiet"];
  const r: LoadResult = {
    seconds,
    stressCommand,
    stressExit: null,
    stressSeconds: 0,
    loadavg: "",
    guardSched: "",
    cable: "",
    falsePeerDead: [],
    peerLost: 0,
    linkLate: {},
    linkDead: {},
    peerLate: 0,
    restarts: 0,
  };
  let stress: ReturnType<typeof Bun.spawn> | null = null;
  let forgetStress = () => {};
  const seen: GuardEvent[] = [];
  const probe = new StallProbe();
  /** What each false failover's probe saw, in order: attached to the peer-dead events by tally(). */
  const probed: { active: ThreadWindow; standby: ThreadWindow }[] = [];
  const harvest = () => {
    for (const n of ["a", "b"] as const) seen.push(...(pair.nodes[n]?.events ?? []).map((e) => ({ ...e, node: n })));
  };
  const pairUp = async () => {
    const a = pair.start("a");
    const b = pair.start("b");
    await pair.until(() => a.role === "ACTIVE" && b.role === "STANDBY", 30000, "a ACTIVE, b STANDBY");
    r.guardSched = schedOf(a.proc.pid);
    probe.watch([a.proc.pid, b.proc.pid]);
  };
  try {
    await pair.setup();
    const socat = childrenNamed(process.pid, "socat");
    if (cable === "rt") for (const pid of [process.pid, ...socat]) setScheduling(pid, CABLE_PRIORITY);
    r.cable =
      cable === "rt"
        ? `relay + socat (${socat.length}) SCHED_RR ${CABLE_PRIORITY}`
        : "relay + socat SCHED_OTHER (starved with the rest)";
    await pairUp();
    const startedAt = Date.now();
    stress = Bun.spawn(stressCommand, { stdin: "ignore", stdout: "inherit", stderr: "inherit" });
    const s = stress;
    forgetStress = onInterrupt(() => s.kill("SIGTERM"));
    const end = startedAt + seconds * 1000;
    let steps = 0;
    const step = () => {
      steps++;
      const failovers = `${r.restarts} false failover${r.restarts === 1 ? "" : "s"}`;
      onStep(`${Math.round((Date.now() - startedAt) / 1000)} of ${seconds} s under load: ${failovers} so far`);
    };
    while (Date.now() < end) {
      await Bun.sleep(100);
      if (stress.exitCode === null) r.stressSeconds = (Date.now() - startedAt) / 1000;
      const b = pair.node("b");
      const a = pair.node("a");
      if (b.find("peer-dead") || a.proc.exitCode !== null || b.proc.exitCode !== null) {
        // A false failover (or a self-fence): note it, then start a fresh pair so counting goes on.
        const dead = b.find("peer-dead");
        const at = dead ? Date.parse(dead.ts) : Date.now();
        const w = { active: probe.window(a.proc.pid, at - 1000, at), standby: probe.window(b.proc.pid, at - 1000, at) };
        if (dead) probed.push(w);
        say(`    the ACTIVE's main thread in the second before: ${describeWindow(w.active)}`);
        say(`    the STANDBY's: ${describeWindow(w.standby)}`);
        await Bun.sleep(500);
        harvest();
        await pair.stopNodes();
        r.restarts++;
        say(`  false failover at ${new Date().toISOString()}; pair restarted`);
        await pairUp();
      }
      if (steps + 1 < loadSteps(seconds) && Date.now() - startedAt >= (steps + 1) * 60000) step();
    }
    step();
    harvest();
    r.loadavg = readFileSync("/proc/loadavg", "utf8").trim();
  } finally {
    probe.stop();
    if (cable === "rt") setScheduling(process.pid, null); // socat goes with the pair
    stress?.kill("SIGTERM");
    if (stress) r.stressExit = await stress.exited;
    forgetStress();
    await pair.teardown();
    forget();
  }
  tally(r, seen, probed);
  return r;
}

function tally(r: LoadResult, events: GuardEvent[], probed: { active: ThreadWindow; standby: ThreadWindow }[]): void {
  let k = 0;
  events.forEach((e, i) => {
    if (e.event === "link-late") count(r.linkLate, `${e.node}.${String(e.channel)}`);
    if (e.event === "link-dead") count(r.linkDead, `${e.node}.${String(e.channel)}`);
    if (e.event === "peer-late") r.peerLate++;
    if (e.event === "peer-lost") r.peerLost++;
    if (e.event === "peer-dead") {
      const before = events
        .slice(Math.max(0, i - 8), i)
        .filter((x) => x.node === e.node)
        .map((x) => `${x.ts} ${x.event}: ${x.message}`);
      // Every link went late in the very tick that declared death: the STANDBY itself did not run
      // between warntime and deadtime (a stall of its own), rather than hearing the links go quiet.
      const lateNow = events.filter((x) => x.node === e.node && x.event === "link-late" && x.ts === e.ts).length;
      const at = Date.parse(e.ts);
      const activeSelfStalls = events
        .filter((x) => x.node === "a" && x.event === "self-stall" && Math.abs(Date.parse(x.ts) - at) <= 1000)
        .map((x) => x.stalledMs);
      r.falsePeerDead.push({
        ts: e.ts,
        message: e.message,
        silentMs: e.silentMs,
        standbyStalled: lateNow >= 3,
        precededBy: before,
        ...(e.node === "b" ? (probed[k++] ?? {}) : {}),
        activeSelfStalls,
      });
    }
  });
}
