// The chaos soak's fault schedule: drawn from a seeded PRNG, so one seed always gives the same faults in the same order.
// Pure: no lab, no clock. The soak (soak.ts) consumes the list until its time is up.

/** mulberry32: a small, fast 32-bit PRNG; good enough to draw faults, fully determined by its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Link = "serial" | "ethernet" | "all";

/** One fault. Nodes are named by role at the moment the fault starts (the pair has settled before each). */
export type Fault =
  /** Power cut of the ACTIVE (expected: failover), powered on again once the peer took over. */
  | { kind: "power-cut-active" }
  /** Power cut of the STANDBY for offMs (expected: no failover), then powered on again. */
  | { kind: "power-cut-standby"; offMs: number }
  /** The ACTIVE VM paused for ms. Short (at most 0.6 x deadtime, deadtime/2 included): no failover; long: failover. */
  | { kind: "pause-active"; ms: number; expectFailover: boolean }
  /** One cable or both cut for holdMs, then healed (expected: no failover, the shared-disk heartbeat remains). */
  | { kind: "cut"; link: Link; holdMs: number }
  /** Random bytes written into the serial cable towards one node, in bursts (expected: no failover). */
  | { kind: "garbage-serial"; to: "active" | "standby"; bursts: number[][] }
  /**
   * The PDU that fences the ACTIVE unplugged (the QMP fence level unavailable) for holdMs. With powerCut the ACTIVE is
   * also power-cut meanwhile: the peer must fence it by the poison pill (expected: failover); without, nothing happens.
   */
  | { kind: "fence-device-off"; holdMs: number; powerCut: boolean }
  /** The monitored workload killed on the ACTIVE: restarted in place the first time in a boot, failover the second. */
  | { kind: "service-kill" }
  /** `clusterguard standby` typed on the ACTIVE's console (expected: planned switchover). */
  | { kind: "admin-standby" }
  /** `clusterguard takeover` typed in the STANDBY's initrd shell (expected: planned switchover). */
  | { kind: "admin-takeover" };

export type FaultKind = Fault["kind"];

/** How often each kind is drawn, relative to the others. */
export const WEIGHTS: Record<FaultKind, number> = {
  "power-cut-active": 2,
  "power-cut-standby": 1,
  "pause-active": 3,
  cut: 2,
  "garbage-serial": 1,
  "fence-device-off": 1,
  "service-kill": 2,
  "admin-standby": 1,
  "admin-takeover": 1,
};

/** Short pauses end at this fraction of deadtime, long ones start at LONG_PAUSE: between is TCG jitter's grey zone. */
export const SHORT_PAUSE = 0.6;
export const LONG_PAUSE = 1.6;
export const LONGEST_PAUSE = 3;

/** Draw `count` faults from `seed`; `deadtimeMs` sizes the pauses. */
export function faultSchedule(seed: number, count: number, deadtimeMs: number): Fault[] {
  const r = prng(seed);
  const between = (lo: number, hi: number) => Math.round(lo + r() * (hi - lo));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const kinds = Object.entries(WEIGHTS) as [FaultKind, number][];
  const total = kinds.reduce((s, [, w]) => s + w, 0);
  const out: Fault[] = [];
  for (let i = 0; i < count; i++) {
    let x = r() * total;
    const kind = kinds.find(([, w]) => (x -= w) < 0)?.[0] ?? kinds.at(-1)![0];
    switch (kind) {
      case "power-cut-active":
      case "service-kill":
      case "admin-standby":
      case "admin-takeover":
        out.push({ kind });
        break;
      case "power-cut-standby":
        out.push({ kind, offMs: between(5000, 30000) });
        break;
      case "pause-active": {
        const long = r() < 0.5;
        // Half the short pauses are exactly deadtime/2: the case a too-eager guard gets wrong.
        const ms = long
          ? between(LONG_PAUSE * deadtimeMs, LONGEST_PAUSE * deadtimeMs)
          : r() < 0.5
            ? deadtimeMs / 2
            : between(0.2 * deadtimeMs, SHORT_PAUSE * deadtimeMs);
        out.push({ kind, ms, expectFailover: long });
        break;
      }
      case "cut":
        out.push({ kind, link: pick(["serial", "ethernet", "all"] as const), holdMs: between(10000, 45000) });
        break;
      case "garbage-serial": {
        const bursts = Array.from({ length: between(1, 5) }, () =>
          Array.from({ length: between(16, 1024) }, () => Math.floor(r() * 256)),
        );
        out.push({ kind, to: pick(["active", "standby"] as const), bursts });
        break;
      }
      case "fence-device-off":
        out.push({ kind, holdMs: between(20000, 60000), powerCut: r() < 0.6 });
        break;
    }
  }
  return out;
}

/** The agent restarts the workload in place once per restart window (lab config: 600 s), then fails over. */
export const RESTART_WINDOW_MS = 600000;
/** Kills this close to the window's end may land on either side of it (the agent's own clock, check interval). */
const WINDOW_SLACK_MS = 40000;

export type Expectation = boolean | "either";

/**
 * What a fault should do: fail over (true), not (false), or either. A service kill fails over when the same boot of
 * the same node already had a kill within the restart window (`earlierKills`: times of kills on that node's boot).
 */
export function expectFailover(f: Fault, now: number, earlierKills: number[] = []): Expectation {
  switch (f.kind) {
    case "power-cut-active":
    case "admin-standby":
    case "admin-takeover":
      return true;
    case "pause-active":
      return f.expectFailover;
    case "fence-device-off":
      return f.powerCut;
    case "service-kill": {
      const ages = earlierKills.map((t) => now - t);
      if (ages.some((a) => a < RESTART_WINDOW_MS - WINDOW_SLACK_MS)) return true;
      if (ages.some((a) => a < RESTART_WINDOW_MS + WINDOW_SLACK_MS)) return "either";
      return false;
    }
    default:
      return false;
  }
}

/** A short human label of a fault, for the report and the progress lines. */
export function describe(f: Fault): string {
  switch (f.kind) {
    case "power-cut-standby":
      return `power cut of the STANDBY for ${(f.offMs / 1000).toFixed(1)} s`;
    case "pause-active":
      return `pause of the ACTIVE for ${(f.ms / 1000).toFixed(2)} s`;
    case "cut":
      return `cut ${f.link} for ${(f.holdMs / 1000).toFixed(1)} s`;
    case "garbage-serial":
      return `${f.bursts.reduce((s, b) => s + b.length, 0)} garbage bytes in ${f.bursts.length} burst(s) on the serial cable to the ${f.to.toUpperCase()}`;
    case "fence-device-off":
      return `the ACTIVE's fence device (PDU) off for ${(f.holdMs / 1000).toFixed(1)} s${f.powerCut ? ", ACTIVE power-cut meanwhile" : ""}`;
    default:
      return f.kind;
  }
}
