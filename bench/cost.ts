// Cost of an idle guard: RSS and CPU% while heartbeating at 10 Hz on serial, udp and disk; the executable's size.
import { onInterrupt } from "./cleanup.ts";
import { statSync } from "node:fs";
import { EXE } from "../test/helpers/exe.ts";
import { HARNESS_TIMERS, Pair } from "../test/harness/pair.ts";
import { clockTicks, cpuTicksOf, memoryOf, schedOf } from "./procfs.ts";

/** What one guard process cost over the window. */
export interface NodeCost {
  node: "a" | "b";
  role: string;
  sched: string;
  cpuPercent: number;
  /** kB, from /proc/PID/status at the end of the window. */
  memory: Record<string, number>;
}

/** The whole cost measurement. */
export interface CostResult {
  seconds: number;
  keepaliveMs: number;
  channels: string[];
  nodes: NodeCost[];
  exeBytes: number;
}

/** Run a pair (keepalive 100 ms, three channels) idle for `seconds` and read /proc before and after. */
export async function measureCost(seconds: number, port: number, say: (s: string) => void): Promise<CostResult> {
  const t = { ...HARNESS_TIMERS, keepalive: 100 };
  const pair = new Pair(port, t, true);
  const forget = onInterrupt(() => pair.teardown());
  const hz = clockTicks();
  try {
    await pair.setup();
    const a = pair.start("a");
    const b = pair.start("b");
    await pair.until(() => a.role === "ACTIVE" && b.role === "STANDBY", 15000, "a ACTIVE, b STANDBY");
    await Bun.sleep(2000); // past start-up (JIT, first disk reads)
    const before = [a, b].map((g) => ({ ticks: cpuTicksOf(g.proc.pid), at: performance.now() }));
    await Bun.sleep(seconds * 1000);
    const nodes = [a, b].map((g, i): NodeCost => {
      const ticks = cpuTicksOf(g.proc.pid) - before[i]!.ticks;
      const wall = (performance.now() - before[i]!.at) / 1000;
      return {
        node: g.node,
        role: g.role,
        sched: schedOf(g.proc.pid),
        cpuPercent: (100 * ticks) / hz / wall,
        memory: memoryOf(g.proc.pid),
      };
    });
    const lost = b.find("peer-dead") ?? a.find("peer-lost");
    if (lost) throw new Error(`the pair lost each other while idle: ${lost.node} ${lost.event}: ${lost.message}`);
    for (const n of nodes)
      say(
        `  ${n.node} ${n.role}: ${n.cpuPercent.toFixed(2)}% CPU, VmRSS ${((n.memory.VmRSS ?? 0) / 1024).toFixed(1)} MiB (${n.sched})`,
      );
    return {
      seconds,
      keepaliveMs: t.keepalive,
      channels: ["serial", "udp", "disk"],
      nodes,
      exeBytes: statSync(EXE).size,
    };
  } finally {
    await pair.teardown();
    forget();
  }
}
