// Start-up of a guard: from exec to the first heartbeat on the wire, the floor of every takeover and every switch_root.
// Each run spawns a fresh guard (host mode, three links, its peer absent) and times, from just before the exec:
// its "start" log line (the runtime is up, the config read, the links opened) and the first UDP datagram it sends,
// seen by the harness's relay. The runtime's own part is timed alone: `clusterguard --version`, exec to exit.
import { onInterrupt } from "./cleanup.ts";
import { EXE } from "../test/helpers/exe.ts";
import { HARNESS_TIMERS, Pair } from "../test/harness/pair.ts";
import { type Summary, summarize } from "./stats.ts";

/** One start: ms from just before the exec. */
export interface StartupSample {
  /** The "start" event read from the guard's stdout (pipe latency included). */
  startLogMs: number;
  /** The first datagram the guard sent, as the relay received it. */
  firstHeartbeatMs: number;
}

export interface StartupResult {
  runs: number;
  samples: StartupSample[];
  firstHeartbeat: Summary;
  startLog: Summary;
  /** `clusterguard --version`: exec to exit, the runtime's start-up and exit with no work. */
  versionExit: Summary;
  failures: string[];
}

/** Time `runs` starts of node a (and as many `--version` execs), each run printed through `onRun`. */
export async function measureStartup(
  runs: number,
  port: number,
  onRun: (what: string, counted: boolean) => void,
): Promise<StartupResult> {
  const pair = new Pair(port, HARNESS_TIMERS, true);
  const forget = onInterrupt(() => pair.teardown());
  const samples: StartupSample[] = [];
  const versionExit: number[] = [];
  const failures: string[] = [];
  try {
    await pair.setup();
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const v = Bun.spawnSync([EXE, "--version"], { stdout: "pipe", stderr: "pipe" });
      if (v.exitCode === 0) versionExit.push(performance.now() - t);
      let first: number | null = null;
      pair.relay.onDatagram = (from) => {
        if (from === "a" && first === null) first = performance.now();
      };
      const t0 = performance.now();
      const wall0 = Date.now();
      const a = pair.start("a");
      try {
        await pair.until(
          () => first !== null && a.find("start") !== undefined,
          10000,
          "a's start line and first datagram",
        );
        const s: StartupSample = {
          startLogMs: (a.find("start")?.seenAt ?? Number.NaN) - wall0,
          firstHeartbeatMs: (first ?? Number.NaN) - t0,
        };
        samples.push(s);
        onRun(
          `first heartbeat ${s.firstHeartbeatMs.toFixed(0)} ms after the exec (start line ${s.startLogMs} ms)`,
          true,
        );
      } catch (e) {
        failures.push(e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e));
        onRun(`no start seen: ${failures.at(-1)}`, false);
      } finally {
        pair.relay.onDatagram = null;
        await a.stop();
      }
    }
  } finally {
    await pair.teardown();
    forget();
  }
  return {
    runs,
    samples,
    firstHeartbeat: summarize(samples.map((s) => s.firstHeartbeatMs)),
    startLog: summarize(samples.map((s) => s.startLogMs)),
    versionExit: summarize(versionExit),
    failures,
  };
}
