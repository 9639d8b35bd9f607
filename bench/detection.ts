// Failure detection time of clusterguard, CTS DetectionTime style: kill -9 / SIGSTOP the ACTIVE, time the STANDBY's "peer-dead".
import { onInterrupt } from "./cleanup.ts";
import { type PairTimers, Pair } from "../test/harness/pair.ts";
import { type Summary, summarize } from "./stats.ts";

/** How the ACTIVE is taken down: killed (sockets close) or frozen (a hung node: nothing closes). */
export type KillHow = "SIGKILL" | "SIGSTOP";

/** One timer setting to measure. */
export interface DetectionSetting {
  name: "default" | "aggressive";
  timers: PairTimers;
}

/** The shipped defaults (README) and the aggressive setting of the issue. */
export const SETTINGS: readonly DetectionSetting[] = [
  { name: "default", timers: { keepalive: 200, warntime: 2000, deadtime: 5000, initdead: 10000, fenceDelay: 1000 } },
  { name: "aggressive", timers: { keepalive: 25, warntime: 75, deadtime: 125, initdead: 500, fenceDelay: 250 } },
];

/** One kill: ms from the signal to the peer-dead event's ts, and what the guard said. */
export interface DetectionSample {
  detectMs: number;
  silentMs: number | null;
  /** ms from the signal until the bench read the event line (pipe latency included). */
  seenMs: number;
}

/** All kills of one signal for one setting. */
export interface DetectionResult {
  setting: DetectionSetting["name"];
  timers: PairTimers;
  how: KillHow;
  samples: DetectionSample[];
  summary: Summary;
  /** Runs thrown away, with why (a peer-dead before the kill, a missing event). */
  failures: string[];
}

/** Hears each run as it ends: its signal, what it measured (or why it failed: not counted, replaced). */
export type OnRun = (how: KillHow, what: string, counted: boolean) => void;

/**
 * Measure `runs` kills of each signal for `setting` on one Pair. Each run starts both nodes fresh
 * (a ACTIVE by priority, b STANDBY), kills a, waits for b's peer-dead, then kills both: every sample is
 * the same path (b detecting a), and a fresh pair costs one boot handshake, well under a second.
 */
export async function measureDetection(
  setting: DetectionSetting,
  runs: number,
  port: number,
  say: (s: string) => void,
  onRun: OnRun = () => {},
): Promise<DetectionResult[]> {
  const t = setting.timers;
  const pair = new Pair(port, t, true);
  const forget = onInterrupt(() => pair.teardown());
  const out: DetectionResult[] = [];
  try {
    await pair.setup();
    for (const how of ["SIGKILL", "SIGSTOP"] as const) {
      const samples: DetectionSample[] = [];
      const failures: string[] = [];
      // A failed run (e.g. a false peer-dead before the kill) is reported and replaced, up to 10 extra tries.
      for (let tries = 0; samples.length < runs && tries < runs + 10; tries++) {
        let said: [string, boolean];
        try {
          const sample = await oneRun(pair, t, how);
          samples.push(sample);
          said = [`b declared a dead ${sample.detectMs} ms after the ${how}`, true];
        } catch (e) {
          failures.push(e instanceof Error ? e.message.split("\n")[0]! : String(e));
          said = [`failed, run again: ${failures.at(-1)}`, false];
        } finally {
          await pair.stopNodes();
        }
        onRun(how, ...said);
      }
      const summary = summarize(samples.map((s) => s.detectMs));
      say(
        `  clusterguard ${setting.name} ${how}: median ${summary.median} ms over ${samples.length} runs (deadtime ${t.deadtime} ms)${failures.length ? `, ${failures.length} failed` : ""}`,
      );
      out.push({ setting: setting.name, timers: t, how, samples, summary, failures });
    }
  } finally {
    await pair.teardown();
    forget();
  }
  return out;
}

async function oneRun(pair: Pair, t: PairTimers, how: KillHow): Promise<DetectionSample> {
  const a = pair.start("a");
  const b = pair.start("b");
  await pair.until(() => a.role === "ACTIVE" && b.role === "STANDBY", t.initdead + 10000, "a ACTIVE, b STANDBY");
  // Let every link (disk included: its first read only sets a baseline) carry a few heartbeats.
  // A random extra fraction of a keepalive puts the kill at a random phase of the heartbeat cycle.
  await Bun.sleep(Math.max(5 * t.keepalive, 300) + Math.random() * t.keepalive);
  if (b.find("peer-dead")) throw new Error(`b declared a dead before the kill: ${b.find("peer-dead")!.message}`);
  const killedAt = Date.now();
  a.signal(how);
  await pair.until(() => b.find("peer-dead") !== undefined, t.deadtime + 5000, "b: peer-dead");
  const dead = b.find("peer-dead")!;
  return {
    detectMs: Date.parse(dead.ts) - killedAt,
    silentMs: typeof dead.silentMs === "number" ? dead.silentMs : null,
    seenMs: dead.seenAt - killedAt,
  };
}
