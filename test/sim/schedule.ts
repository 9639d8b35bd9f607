// One simulated schedule: a plan of faults drawn from a seed, run against two machines with the real runtime, the
// invariants checked after every event, and a delta-debugging shrinker that removes faults while the failure stays.
import { loadConfigText } from "../../src/config/index.ts";
import type { ClusterConfig } from "../../src/config/types.ts";
import { HEADER_BLOCK, heartbeatBlock, mailboxBlock } from "../../src/disk/block.ts";
import { encodeHeader, makeHeader } from "../../src/disk/header.ts";
import { encodeSlot } from "../../src/disk/slot.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import { Machine, type PowerMode } from "./machine.ts";
import { Cable, CLEAN, type Side, SharedDisk } from "./wires.ts";
import { Rng, World } from "./world.ts";

export const TIMERS = { keepalive: 200, warntime: 600, deadtime: 1500, initdead: 3000, grace: 3000 };
const KEY = new Uint8Array(32).fill(11);
/** After the last fault everything is healed; then within this bound exactly one machine must be ACTIVE. */
export const LIVENESS_MS = 90_000;

/** The fence topologies a schedule draws from. */
export const FENCING = {
  power: ["qmp"],
  "power+pill": ["qmp", "poison-pill"],
  pill: ["poison-pill"],
  "request+power": ["peer-request", "qmp"],
  "request+pill": ["peer-request", "poison-pill"],
} as const;
export type Fencing = keyof typeof FENCING;

export type FaultKind =
  | "cut"
  | "partition"
  | "lossy"
  | "disk-down"
  | "disk-slow"
  | "disk-bad-block"
  | "crash"
  | "power-cut"
  | "reset"
  | "pause-short"
  | "pause-deadtime"
  | "pause-long"
  | "fence-device"
  | "refuse-reset"
  | "wall-jump"
  | "replay"
  | "garbage"
  | "standby"
  | "takeover"
  | "admin-fence"
  | "confirm-off";

/** One fault: when, on which machine, what, and its own random draws (a number per choice it makes). */
export interface Fault {
  at: number;
  kind: FaultKind;
  side: Side;
  /** How long it lasts (ms), where it lasts. */
  ms: number;
  /** Its own parameters in [0, 1), so that removing another fault leaves it unchanged. */
  p: number[];
}

export interface Plan {
  seed: number;
  /** Tests of the checker itself: a power device that confirms without acting; VM pauses beside a pill level. */
  sabotage?: { lyingPower?: boolean; vmPauseWithPill?: boolean };
  fencing: Fencing;
  /** When B is powered on (A at 0). */
  bStartsAt: number;
  /** B boots as node a too (a wrong boot entry): a twin of A. */
  twin?: boolean;
  /**
   * Both guards start at the same moment and slot a holds an incarnation ahead of both wall clocks (a clock stepped
   * back): without a random step, twins would mint the same incarnation and read each other's writes as their own.
   */
  sameStart?: boolean;
  faults: Fault[];
}

const KINDS: readonly FaultKind[] = [
  "cut",
  "partition",
  "lossy",
  "disk-down",
  "disk-slow",
  "disk-bad-block",
  "crash",
  "power-cut",
  "reset",
  "pause-short",
  "pause-deadtime",
  "pause-long",
  "fence-device",
  "refuse-reset",
  "wall-jump",
  "replay",
  "garbage",
  "standby",
  "takeover",
  "admin-fence",
  "confirm-off",
];

/** How long a fault lasts: pauses by their class (below warntime, around deadtime, past msgwait), others 0.2-20 s. */
function durationOf(kind: FaultKind, r: Rng): number {
  const t = TIMERS;
  switch (kind) {
    case "pause-short":
      return r.int(50, t.warntime - 50);
    case "pause-deadtime":
      // deadtime / 2 (which must not fail over) in a third of them.
      return r.chance(0.3) ? t.deadtime / 2 : r.int(Math.floor(t.deadtime * 0.7), Math.floor(t.deadtime * 1.3));
    case "pause-long":
      return r.int(3000, 23000);
    default:
      return r.int(200, 20000);
  }
}

/** The plan a seed stands for. */
export function planFor(seed: number, maxFaults = 6): Plan {
  const r = new Rng(seed);
  const fencing = r.pick(Object.keys(FENCING) as Fencing[]);
  const faults: Fault[] = [];
  let t = r.int(2000, 15000);
  const n = r.int(1, maxFaults);
  for (let i = 0; i < n; i++) {
    const kind = r.pick(KINDS);
    faults.push({ at: t, kind, side: r.int(0, 1) as Side, ms: durationOf(kind, r), p: [r.next(), r.next(), r.next()] });
    t += r.int(500, 25000);
  }
  const bStartsAt = r.chance(0.5) ? 0 : r.int(0, 20000);
  return { seed, fencing, bStartsAt, faults, twin: r.chance(0.05) };
}

export interface Outcome {
  ok: boolean;
  /** What broke, when it did. */
  violation: string | null;
  /** The last lines of both machines' logs and the faults, up to the violation. */
  timeline: string[];
  simMs: number;
  events: number;
  faults: Record<string, number>;
  /** Machines reset by the other's power level, and boots let continue as ACTIVE (1: no failover at all). */
  powerFences: number;
  activations: number;
}

/** The parsed config of each fencing, parsed once per process; each plan gets a copy of its own. */
const configs = new Map<Fencing, ClusterConfig>();

function configFor(fencing: Fencing): ClusterConfig {
  let config = configs.get(fencing);
  if (!config) configs.set(fencing, (config = parseConfig(fencing)));
  return structuredClone(config);
}

function parseConfig(fencing: Fencing): ClusterConfig {
  const t = TIMERS;
  const levels = FENCING[fencing]
    .map((type) =>
      type === "qmp"
        ? `[[fencing.level]]\ntype = "qmp"\ndevice = "/dev/sim-qmp"\n`
        : type === "poison-pill"
          ? `[[fencing.level]]\ntype = "poison-pill"\nmsgwait = 2500\nwatchdog_device = "/dev/sim-watchdog"\nwatchdog_timeout = 1\n`
          : `[[fencing.level]]\ntype = "peer-request"\n`,
    )
    .join("\n");
  const text = `[cluster]
name = "sim"

[[node]]
name = "a"
priority = 200
address = "10.0.0.1"
disk_slot = 0

[[node]]
name = "b"
priority = 100
address = "10.0.0.2"
disk_slot = 1

[timers]
keepalive = ${t.keepalive}
warntime = ${t.warntime}
deadtime = ${t.deadtime}
initdead = ${t.initdead}
handoff_grace = ${t.grace}

[channels.serial]
enabled = true
device = "/dev/sim-serial"

[channels.udp]
enabled = true
port = 694

[channels.disk]
enabled = true
device = "/dev/sim-disk"
offset = 0

[fencing]
delay = 1000
timeout = 3000

${levels}`;
  const r = loadConfigText(text, "sim.toml");
  if (!r.ok) throw new Error(`sim config: ${JSON.stringify(r.errors)}`);
  return r.config;
}

/** Run one plan. */
export async function runPlan(plan: Plan): Promise<Outcome> {
  const rng = new Rng(plan.seed ^ 0x5eed);
  const world = new World();
  const config = configFor(plan.fencing);
  const clusterId = clusterIdOf(config.cluster.name);
  const disk = new SharedDisk(world, rng);
  disk.put(
    HEADER_BLOCK * 4096,
    encodeHeader(
      makeHeader(
        clusterId,
        { keepaliveMs: TIMERS.keepalive, deadtimeMs: TIMERS.deadtime, msgwaitMs: 2500, watchdogTimeoutMs: 1000 },
        1_780_000_000_000,
      ),
      KEY,
    ),
  );
  if (plan.sameStart)
    disk.put(
      heartbeatBlock(0) * 4096,
      encodeSlot(
        {
          node: "a",
          incarnation: 1_790_000_000_000,
          seq: 7,
          role: "STANDBY",
          writtenAt: 1_780_000_000_000,
          uptimeMs: 1,
        },
        0,
        { key: KEY, clusterId },
      ),
    );
  // The last 300-400 lines, formatted only when the timeline is read.
  const traced: { t: number; side: Side; line: string }[] = [];
  const trace = (side: Side, line: string) => {
    traced.push({ t: world.t, side, line });
    if (traced.length > 400) traced.splice(0, 100);
  };
  if (plan.twin) trace(1, "* B boots as node a too (a wrong boot entry)");
  const machines: Machine[] = [];
  const ports = () =>
    [
      {
        link: null,
        owner: {
          gone: () => false,
          held: () => machines[0]?.paused ?? false,
          hold: (e) => machines[0]?.heldEvents.push(e),
        },
      },
      {
        link: null,
        owner: {
          gone: () => false,
          held: () => machines[1]?.paused ?? false,
          hold: (e) => machines[1]?.heldEvents.push(e),
        },
      },
    ] as ConstructorParameters<typeof Cable>[3];
  const serial = new Cable("serial", world, rng, ports());
  const udp = new Cable("udp", world, rng, ports());
  const [na, nb] = config.node;
  for (const side of [0, 1] as Side[]) {
    machines.push(
      new Machine({
        world,
        rng,
        side,
        config,
        key: KEY,
        self: side === 0 || plan.twin ? na! : nb!,
        peer: side === 0 || plan.twin ? nb! : na!,
        serial,
        udp,
        disk,
        trace,
        other: () => machines[side === 0 ? 1 : 0]!,
        ...(plan.sameStart ? { bootDelayMs: 1000 } : {}),
      }),
    );
  }
  const [A, B] = machines as [Machine, Machine];
  if (plan.sabotage?.lyingPower) for (const m of machines) m.power = "lie";
  const counts: Record<string, number> = {};
  let violation: string | null = null;
  const check = () => {
    if (violation) return;
    if (A.mayWrite() && B.mayWrite())
      violation = `split brain at ${world.t} ms: both machines may write the shared disk (A ${A.role()}, B ${B.role()})`;
  };
  A.powerOn();
  world.schedule(plan.bStartsAt, null, () => B.powerOn());
  for (const f of plan.faults) {
    world.schedule(f.at, null, () => {
      counts[f.kind] = (counts[f.kind] ?? 0) + 1;
      apply(f, machines[f.side]!, machines[f.side === 0 ? 1 : 0]!, { serial, udp, disk, world, plan });
    });
  }
  const lastFault = plan.faults.reduce((t, f) => Math.max(t, f.at + f.ms), 0);
  const healAt = Math.max(lastFault, plan.bStartsAt) + 1000;
  await world.run(healAt, check);
  if (!violation) {
    trace(0, "* heal: cables, disk and power devices clean; paused machines resumed; machines off powered on");
    for (const c of [serial, udp]) c.faults.splice(0, 2, { ...CLEAN }, { ...CLEAN });
    for (const s of [0, 1] as Side[]) disk.faults[s] = { down: false, latencyMs: 0, badPosition: null };
    for (const m of machines) {
      if (!plan.sabotage?.lyingPower) m.power = "ok";
      m.refuseReset = false;
      m.resume();
      if (!m.powered) m.powerOn();
      else if (m.powered && !m.rt) m.reset("admin reboot of a machine whose guard died in the initrd");
    }
    // Settled: one machine ACTIVE with its agent, the other STANDBY, for 10 s running; or the bound ran out.
    let steady = 0;
    for (let t = healAt + 5000; t <= healAt + LIVENESS_MS && !violation && steady < 2; t += 5000) {
      await world.run(t, check);
      steady = settled(A, B, plan.twin) || settled(B, A, plan.twin) ? steady + 1 : 0;
    }
  }
  if (!violation) {
    const active = machines.filter((m) => m.mayWrite() && m.role() === "ACTIVE");
    // Two machines booted as one node from the start park each other: none ACTIVE is the safe end there.
    if (active.length > 1 || (active.length === 0 && !plan.twin))
      violation = `liveness: ${LIVENESS_MS} ms after everything healed, ${active.length} machines ACTIVE (A ${A.role()}${A.mayWrite() ? " writing" : ""}, B ${B.role()}${B.mayWrite() ? " writing" : ""})`;
  }
  const resets = A.fencedByPeer + B.fencedByPeer;
  const bound = 2 * plan.faults.length + 2;
  if (!violation && resets > bound) violation = `fence loop: ${resets} power fences for ${plan.faults.length} faults`;
  return {
    ok: violation === null,
    violation,
    timeline: traced.map((l) => `${(l.t / 1000).toFixed(3).padStart(9)} ${l.side === 0 ? "A" : "B"} ${l.line}`),
    simMs: world.t,
    events: world.events,
    faults: counts,
    powerFences: resets,
    activations: A.activations + B.activations,
  };
}

/** `m` ACTIVE through its agent and may write, `o` a parked STANDBY (or, booted as the same node, parked at all). */
function settled(m: Machine, o: Machine, twin = false): boolean {
  const parked = twin ? o.role() !== "ACTIVE" : o.role() === "STANDBY";
  return m.mayWrite() && m.role() === "ACTIVE" && m.proc?.kind === "agent" && parked && !o.mayWrite();
}

interface Wires {
  serial: Cable;
  udp: Cable;
  disk: SharedDisk;
  world: World;
  plan: Plan;
}

/** Apply one fault to machine `m` (its peer `o`); faults with a duration heal themselves after `f.ms`. */
function apply(f: Fault, m: Machine, o: Machine, w: Wires): void {
  const [p0 = 0, p1 = 0, p2 = 0] = f.p;
  const later = (fn: () => void) => w.world.schedule(w.world.t + f.ms, null, fn);
  const note = (line: string) => m.s.trace(m.s.side, `! fault ${f.kind}: ${line}`);
  switch (f.kind) {
    case "cut": {
      const cables = p0 < 0.4 ? [w.serial] : p0 < 0.8 ? [w.udp] : [w.serial, w.udp];
      note(`${cables.map((c) => c.kind).join("+")} cut for ${f.ms} ms`);
      for (const c of cables) for (const d of c.faults) d.cut = true;
      return void later(() => {
        for (const c of cables) for (const d of c.faults) d.cut = false;
      });
    }
    case "partition": {
      note(`both cables cut for ${f.ms} ms (the disk stays)`);
      for (const c of [w.serial, w.udp]) for (const d of c.faults) d.cut = true;
      return void later(() => {
        for (const c of [w.serial, w.udp]) for (const d of c.faults) d.cut = false;
      });
    }
    case "lossy": {
      const c = p0 < 0.5 ? w.serial : w.udp;
      const lf = { cut: false, loss: p1 * 0.6, dup: p2 * 0.3, delayMs: 1 + p1 * 300, jitterMs: p2 * 800 };
      note(
        `${c.kind}: loss ${lf.loss.toFixed(2)}, dup ${lf.dup.toFixed(2)}, delay ${lf.delayMs | 0} ms, jitter ${lf.jitterMs | 0} ms for ${f.ms} ms`,
      );
      c.faults[f.side] = { ...lf };
      return void later(() => {
        c.faults[f.side] = { ...CLEAN };
      });
    }
    case "disk-down":
      note(`shared disk unreachable for ${f.ms} ms`);
      w.disk.faults[f.side].down = true;
      return void later(() => {
        w.disk.faults[f.side].down = false;
      });
    case "disk-slow": {
      const ms = Math.floor(100 + p0 * 3000);
      note(`disk latency ${ms} ms for ${f.ms} ms`);
      w.disk.faults[f.side].latencyMs = ms;
      return void later(() => {
        w.disk.faults[f.side].latencyMs = 0;
      });
    }
    case "disk-bad-block": {
      const slot = m.s.self.disk_slot;
      const peerSlot = m.s.peer.disk_slot;
      const block = p0 < 0.5 ? heartbeatBlock(peerSlot) : mailboxBlock(p1 < 0.5 ? slot : peerSlot);
      note(`block ${block} unreadable for ${f.ms} ms`);
      w.disk.faults[f.side].badPosition = block * 4096;
      return void later(() => {
        w.disk.faults[f.side].badPosition = null;
      });
    }
    case "crash":
      return m.crash();
    case "power-cut":
      m.powerOff("power cut");
      return void later(() => m.powerOn());
    case "reset":
      return m.reset("reset by the admin");
    case "pause-short":
      return m.pause(f.ms, p1 < 0.5);
    case "pause-deadtime":
    case "pause-long":
      return m.pause(f.ms, vmPauseAllowed(w.plan) && p1 < 0.5);
    case "fence-device": {
      const mode: PowerMode = p0 < 0.4 ? "fail" : p0 < 0.75 ? "hang" : "late";
      note(`${m.name}'s power device ${mode} for ${f.ms} ms`);
      m.power = mode;
      return void later(() => {
        m.power = "ok";
      });
    }
    case "refuse-reset":
      note(`the kernel refuses resets for ${f.ms} ms`);
      m.refuseReset = true;
      return void later(() => {
        m.refuseReset = false;
      });
    case "wall-jump": {
      const ms = Math.floor((p0 < 0.5 ? -1 : 1) * (60_000 + p1 * 86_400_000));
      return m.wallJump(ms);
    }
    case "replay": {
      const c = p0 < 0.5 ? w.serial : w.udp;
      const cap = c.captured[f.side === 0 ? 1 : 0];
      const n = Math.min(cap.length, 1 + Math.floor(p1 * 10));
      note(`attacker replays ${n} captured ${c.kind} frames of ${o.name} to ${m.name}`);
      for (let i = 0; i < n; i++) {
        const frame = cap[Math.floor(((p2 + i * 0.37) % 1) * cap.length)];
        if (frame) c.inject(f.side, frame);
      }
      return;
    }
    case "garbage": {
      const c = p0 < 0.5 ? w.serial : w.udp;
      const bytes = new Uint8Array(8 + Math.floor(p1 * 120)).map((_, i) => (i * 131 + Math.floor(p2 * 256)) & 255);
      note(`${bytes.length} garbage bytes on ${c.kind} to ${m.name}`);
      return c.inject(f.side, bytes);
    }
    case "standby":
      note(`clusterguard standby on ${m.name}`);
      return void m.standby().then((r) => note(`standby: ${r.ok ? "ok" : "refused"}: ${r.detail}`));
    case "takeover":
      note(`clusterguard takeover on ${m.name}`);
      if (m.rt?.state)
        void m.rt.requestTakeover().then((r) => note(`takeover: ${r.ok ? "ok" : "refused"}: ${r.detail}`));
      return;
    case "confirm-off":
      // An honest administrator: says the peer is off only when it is (a dead BMC and power supply, checked by hand).
      if (o.powered || !m.rt?.state) return note(`${o.name} is not off: the administrator says nothing`);
      note(`clusterguard fence --manual on ${m.name}: ${o.name} is off`);
      return void note(`confirm-off: ${JSON.stringify(m.rt.confirmOff(`${o.name} checked off by hand`))}`);
    case "admin-fence":
      note(`clusterguard fence on ${m.name}`);
      if (m.rt?.state) void m.rt.fenceNow("reset").then((r) => note(`fence: ${r.ok ? "ok" : "failed"}: ${r.detail}`));
      return;
  }
}

/**
 * A VM pause stops the guest's watchdog with it, so a poison pill's msgwait proves nothing about a paused VM: with a
 * pill level in the topology, pauses are hung kernels (the watchdog runs on). docs/design.md states this assumption.
 */
function vmPauseAllowed(plan: Plan): boolean {
  return (
    plan.sabotage?.vmPauseWithPill === true || !(FENCING[plan.fencing] as readonly string[]).includes("poison-pill")
  );
}

/** Remove faults one at a time while the run still fails the same way; the smallest plan found. */
export async function shrink(plan: Plan, kind: (o: Outcome) => string): Promise<Plan> {
  const first = await runPlan(plan);
  const want = kind(first);
  let best = plan;
  let progress = true;
  while (progress) {
    progress = false;
    for (let i = 0; i < best.faults.length; i++) {
      const cand = { ...best, faults: best.faults.filter((_, j) => j !== i) };
      const o = await runPlan(cand);
      if (!o.ok && kind(o) === want) {
        best = cand;
        progress = true;
        break;
      }
    }
  }
  return best;
}
