// One simulated machine running the real node runtime: power, pause and reset; the guard started at boot and the
// agent that takes its links over once the boot continued (through the real release() and snapshot); the real
// planned switchover (agent/serve.ts standbyFor) with a simulated root freeze; a watchdog; and the power device
// (its BMC) that fences it. "May write the shared disk" is modelled honestly: from the moment the guard let the
// boot continue until a reset or a freeze, paused or not.
import { NO_MOUNTS } from "../../src/agent/freeze-plan.ts";
import { type ServeOptions, standbyFor } from "../../src/agent/serve.ts";
import type { ClusterConfig, NodeConfig } from "../../src/config/types.ts";
import type { Outcome } from "../../src/core/types.ts";
import { DiskChannel } from "../../src/channels/disk.ts";
import type { FenceAction, FenceDevice, FenceContext, FenceOutcome } from "../../src/fence/device.ts";
import { unknownPower } from "../../src/fence/device.ts";
import { PeerRequestFence } from "../../src/fence/peer-request.ts";
import { PoisonPillFence } from "../../src/fence/poison-pill.ts";
import { Logger } from "../../src/log/logger.ts";
import { readStopped, type RunFiles } from "../../src/node/boot-record.ts";
import type { HandoverSnapshot } from "../../src/node/handover.ts";
import { type NodeEnv, NodeRuntime } from "../../src/node/runtime.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import { sleep } from "../../src/sys/clock.ts";
import type { Watchdog } from "../../src/sys/watchdog.ts";
import { type Cable, type SharedDisk, type Side, SimLink } from "./wires.ts";
import { type Ev, type Owner, processClock, type Rng, type World } from "./world.ts";

/** How the power device behaves when asked to fence this machine. */
export type PowerMode = "ok" | "fail" | "hang" | "late" | "lie";

/** What the simulation keeps of everything that happened, for a violation's timeline. */
export type Trace = (side: Side, line: string) => void;

export interface MachineSetup {
  world: World;
  rng: Rng;
  side: Side;
  config: ClusterConfig;
  key: Uint8Array;
  /** The config node this machine boots as, and its peer. */
  self: NodeConfig;
  peer: NodeConfig;
  serial: Cable;
  udp: Cable;
  disk: SharedDisk;
  trace: Trace;
  /** The other machine (its power device is what this machine's power fence level drives). */
  other: () => Machine;
  /** From power-on to the guard's start (default: 0.3-2.5 s at random). */
  bootDelayMs?: number;
  /** The config the agent reads, when it differs from the guard's (/etc edited, the initrd not regenerated). */
  agentConfig?: ClusterConfig;
}

/** A process on the machine: its events die with it and wait while the machine is paused. */
class Proc implements Owner {
  alive = true;
  constructor(
    readonly m: Machine,
    readonly kind: "guard" | "agent",
  ) {}
  gone(): boolean {
    return !this.alive;
  }
  held(): boolean {
    return this.m.paused;
  }
  hold(ev: Ev): void {
    this.m.heldEvents.push(ev);
  }
  frozen(): boolean {
    return this.m.pauseStopsClock;
  }
}

export class Machine {
  powered = false;
  paused = false;
  /** Whether the running pause stops the guest's monotonic clock and its watchdog (a VM), or not (a hung kernel). */
  pauseStopsClock = false;
  pauseStopsWatchdog = false;
  heldEvents: Ev[] = [];
  /** The boot let continue (root mounted) and not yet reset; writes are stopped only by a freeze. */
  rootMounted = false;
  frozen = false;
  /** The kernel refuses a reset (the runtime must stay silent and try again). */
  refuseReset = false;
  power: PowerMode = "ok";
  proc: Proc | null = null;
  rt: NodeRuntime | null = null;
  boots = 0;
  /** Resets done by the other machine's power fence level, and by this machine's watchdog. */
  fencedByPeer = 0;
  watchdogResets = 0;
  /** Times a guard let this machine's boot continue as ACTIVE. */
  activations = 0;
  private generation = 0;
  private guardRestarts = 0;
  private bootId = "";
  private bootAtMono = 0;
  private pausedTotal = 0;
  private pausedSince = 0;
  private wallOffset = 0;
  private watchdog: { timeoutMs: number; cancel: () => void } | null = null;
  /** Machine-level events (boot steps, deliveries): dropped after a power cycle, held while paused. */
  readonly owner: Owner;
  readonly name: string;

  constructor(readonly s: MachineSetup) {
    this.name = s.side === 0 ? "A" : "B";
    this.owner = {
      gone: () => false,
      held: () => this.paused,
      hold: (ev) => this.heldEvents.push(ev),
    };
  }

  /** May this machine write the shared disk now (or the moment it resumes)? */
  mayWrite(): boolean {
    return this.powered && this.rootMounted && !this.frozen;
  }

  role(): string {
    if (!this.powered) return "off";
    return this.rt?.state?.role ?? "booting";
  }

  /** Monotonic ms of this machine. */
  mono(): number {
    const stopped = this.pauseStopsClock ? this.pausedTotal + (this.paused ? this.s.world.t - this.pausedSince : 0) : 0;
    return 1_000_000 + this.s.world.t - stopped;
  }

  wallJump(ms: number): void {
    this.wallOffset += ms;
    this.note(`wall clock jumps ${ms > 0 ? "+" : ""}${ms} ms`);
  }

  powerOn(): void {
    if (this.powered) return;
    this.generation++;
    this.powered = true;
    this.boots++;
    this.bootId = `boot-${this.name}-${this.boots}`;
    this.bootAtMono = this.mono();
    this.guardRestarts = 0;
    this.rootMounted = false;
    this.frozen = false;
    this.run.clear();
    this.note(`power on (boot ${this.boots})`);
    this.later(this.s.bootDelayMs ?? this.s.rng.int(300, 2500), () => this.startGuard());
  }

  powerOff(why: string): void {
    if (!this.powered) return;
    this.note(`power off: ${why}`);
    this.generation++;
    this.powered = false;
    this.paused = false;
    this.heldEvents = [];
    this.kill();
    this.watchdog?.cancel();
    this.watchdog = null;
    this.rootMounted = false;
    this.frozen = false;
  }

  /** A power cycle: off now, on again shortly. */
  reset(why: string): void {
    this.powerOff(why);
    const gen = this.generation;
    this.s.world.schedule(this.s.world.t + this.s.rng.int(100, 800), null, () => {
      if (this.generation === gen) this.powerOn();
    });
  }

  pause(ms: number, vm: boolean): void {
    if (!this.powered || this.paused) return;
    this.paused = true;
    this.pauseStopsClock = vm && this.s.rng.chance(0.5);
    this.pauseStopsWatchdog = vm;
    this.pausedSince = this.s.world.t;
    const gen = this.generation;
    this.note(
      `paused for ${ms} ms (${vm ? "VM stopped" : "kernel hung"}${this.pauseStopsClock ? ", clock stopped" : ""})`,
    );
    this.s.world.schedule(this.s.world.t + ms, null, () => {
      if (this.generation === gen) this.resume();
    });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.pauseStopsClock) this.pausedTotal += this.s.world.t - this.pausedSince;
    this.note("resumed");
    const paused = this.s.world.t - this.pausedSince;
    const held = this.heldEvents.splice(0);
    for (const ev of held) ev.t = ev.owner?.frozen?.() ? ev.t + paused : this.s.world.t;
    this.s.world.release(held);
  }

  /**
   * The running process dies (a crash): an agent is restarted by systemd (Restart=always), a guard still in the
   * initrd by guard-initrd.sh up to 3 times per boot (after that the boot stops there, parked and silent).
   */
  crash(): void {
    const p = this.proc;
    if (!p || !this.powered) return;
    this.note(`${p.kind} crashed`);
    this.kill();
    if (p.kind === "agent") this.later(100, () => this.startAgent(null));
    // After the boot continued the initrd (and its restart loop) is gone: the agent starts without a snapshot.
    else if (!this.rootMounted && ++this.guardRestarts <= 3) this.later(1000, () => this.startGuard());
  }

  /** A kernel reboot the admin or a self-fence asked for. */
  private selfReset(reason: string, power: "reset" | "off"): void {
    if (this.refuseReset) {
      this.note(`${power} refused by the kernel: ${reason}`);
      return;
    }
    if (power === "off") this.powerOff(`self-fence: ${reason}`);
    else this.reset(`self-fence: ${reason}`);
  }

  private kill(): void {
    if (this.proc) this.proc.alive = false;
    for (const c of [this.s.serial, this.s.udp]) {
      const port = c.ports[this.s.side];
      port.link = null;
    }
    this.proc = null;
    this.rt = null;
  }

  /** This boot's /run, a tmpfs: kept in memory, emptied at power-on. */
  private readonly run = new Map<string, string>();
  private readonly runFiles: RunFiles = {
    read: (path) => this.run.get(path),
    write: (path, text) => void this.run.set(path, text),
  };

  private note(line: string): void {
    this.s.trace(this.s.side, `* ${line}`);
  }

  /** A machine-level step after `ms`, dropped if the machine was power-cycled meanwhile. */
  private later(ms: number, fn: () => void): void {
    const gen = this.generation;
    this.s.world.schedule(this.s.world.t + ms, this.owner, () => {
      if (this.generation === gen && this.powered) fn();
    });
  }

  private env(p: Proc): Partial<NodeEnv> {
    const s = this.s;
    const clock = processClock(s.world, p, {
      mono: () => this.mono(),
      wall: () => 1_780_000_000_000 + s.world.t + this.wallOffset,
      uptime: () => this.mono() - this.bootAtMono + 5000,
    });
    const openBlock = async () => s.disk.device(s.side, p);
    return {
      clock,
      bootId: () => this.bootId,
      openBlock,
      random: () => s.rng.next(),
      virtualMachine: () => false,
      runFiles: this.runFiles,
      openWatchdog: (device, timeoutS) => this.openWatchdog(p, device, timeoutS),
      links: (o, onPeerSlot, onOwnSlot) => {
        const alive = () => p.alive;
        const disk = o.config.channels.disk;
        return {
          stream: [new SimLink("serial", s.serial, s.side, alive), new SimLink("udp", s.udp, s.side, alive)],
          disk: new DiskChannel({
            device: disk.device ?? "/dev/sim",
            offset: disk.offset,
            selfSlot: o.self.disk_slot,
            peerSlot: o.peer.disk_slot,
            key: o.key,
            clusterId: clusterIdOf(o.config.cluster.name),
            pollMs: Math.max(10, Math.floor(o.config.timers.keepalive / 2)),
            onPeerSlot: (slot) => {
              if (p.alive) onPeerSlot(slot);
            },
            onOwnSlot: (slot) => {
              if (p.alive) onOwnSlot(slot);
            },
            clock,
            openBlock,
          }),
        };
      },
    };
  }

  private logger(p: Proc): Logger {
    return new Logger(this.s.self.name, [
      (e) => {
        if (!p.alive) return;
        if (e.event === "tick") return;
        this.s.trace(this.s.side, `${p.kind} ${e.event}${e.role ? ` [${e.role}]` : ""}: ${e.message}`);
      },
    ]);
  }

  private fenceLevels(p: Proc): (ctx: FenceContext) => FenceDevice[] {
    return (ctx) =>
      this.s.config.fencing.level.map((l): FenceDevice => {
        switch (l.type) {
          case "poison-pill":
            return new PoisonPillFence({ msgwaitMs: l.msgwait, ctx });
          case "peer-request":
            return new PeerRequestFence({ ctx, deadtimeMs: this.s.config.timers.deadtime });
          default:
            return new PowerFence(this.s.other(), ctx, p);
        }
      });
  }

  private options(agent = false) {
    return {
      config: agent && this.s.agentConfig ? this.s.agentConfig : this.s.config,
      key: this.s.key,
      self: this.s.self,
      peer: this.s.peer,
      links: {},
      hostMode: false,
      realtime: false,
      runDir: "/run/clusterguard",
    };
  }

  private startGuard(): void {
    const p = new Proc(this, "guard");
    this.proc = p;
    const rt = new NodeRuntime(
      this.options(),
      this.logger(p),
      {
        continueBoot: () => {
          if (!p.alive) return;
          this.rootMounted = true;
          this.activations++;
          this.note("boot continues as ACTIVE: the root is mounted read-write");
          this.later(this.s.rng.int(1000, 6000), () => void this.handOver());
        },
        selfFence: (reason, power) => {
          if (p.alive) this.selfReset(reason, power);
        },
      },
      this.fenceLevels(p),
      this.env(p),
    );
    this.rt = rt;
    void rt.start().catch((e) => this.note(`guard start failed: ${String(e)}`));
  }

  /**
   * The agent asks the running guard for its links (a guard restarted meanwhile is asked just the same); with no guard
   * left it starts without a snapshot; a guard that is not ACTIVE refuses, and systemd retries.
   */
  private async handOver(): Promise<void> {
    const p = this.proc;
    const guard = this.rt;
    if (p?.kind === "agent") return;
    if (!p || !guard) return this.startAgent(null);
    const snap = await guard.release();
    if (!p.alive) return;
    if (typeof snap === "string") {
      this.note(`hand-over refused: ${snap}`);
      this.later(1000, () => void this.handOver());
      return;
    }
    p.alive = false;
    this.startAgent(snap);
  }

  private startAgent(snap: HandoverSnapshot | null): void {
    if (!this.rootMounted) return;
    const p = new Proc(this, "agent");
    this.proc = p;
    const stoppedRec = readStopped("/run/clusterguard", this.s.self.name, this.bootId, this.runFiles);
    const stopped = typeof stoppedRec === "string" ? null : stoppedRec;
    const rt = new NodeRuntime(
      { ...this.options(true), resume: snap && !stopped ? snap : "unguarded", ...(stopped ? { stopped } : {}) },
      this.logger(p),
      {
        continueBoot() {},
        selfFence: (reason, power) => {
          if (p.alive) this.selfReset(reason, power);
        },
      },
      this.fenceLevels(p),
      this.env(p),
    );
    this.rt = rt;
    const log = this.logger(p);
    const standby = standbyFor({
      config: this.s.config,
      guard: rt,
      services: {
        stopAll: async () => ({ notReleased: null, held: [] }),
        startAll: () => {},
      } as unknown as ServeOptions["services"],
      log,
      hostMode: false,
      reboot: (reason) => {
        if (p.alive) this.selfReset(reason, "reset");
      },
      system: {
        mountFacts: () => NO_MOUNTS,
        freeze: async () => {
          if (!p.alive) return "process gone";
          this.frozen = true;
          return null;
        },
        thawMount: async () => {
          this.frozen = false;
          return null;
        },
        clock: processClock(this.s.world, p, { mono: () => this.mono(), wall: () => 0, uptime: () => 0 }),
        waitMs: 20000,
      } as ServeOptions["system"],
    });
    // As agent/main.ts does: the management socket (standby) and the peer's takeover requests are served once the
    // runtime has started; an administrator cannot reach an agent still starting (a restart after a crash).
    this.standby = async () => ({ ok: false, detail: "agent starting" });
    void rt
      .start()
      .then(() => {
        if (!p.alive) return;
        this.standby = () => (p.alive ? standby() : Promise.resolve({ ok: false, detail: "no agent" }));
        rt.handOverForPeer = () => standby();
      })
      .catch((e) => this.note(`agent start failed: ${String(e)}`));
  }

  /** `clusterguard standby` on this machine (its agent), when it has one. */
  standby: () => Promise<Outcome> = async () => ({ ok: false, detail: "no agent" });

  private openWatchdog(p: Proc, device: string, timeoutS: number): Watchdog | string {
    if (!p.alive) return `${device}: process gone`;
    const timeoutMs = timeoutS * 1000;
    const gen = this.generation;
    const wdOwner: Owner = {
      gone: () => this.generation !== gen,
      held: () => this.paused && this.pauseStopsWatchdog,
      hold: (ev) => this.heldEvents.push(ev),
      frozen: () => this.pauseStopsWatchdog,
    };
    const arm = () => {
      this.watchdog?.cancel();
      const cancel = this.s.world.schedule(this.s.world.t + timeoutMs, wdOwner, () => {
        this.watchdogResets++;
        this.reset("watchdog expired");
      });
      this.watchdog = { timeoutMs, cancel };
    };
    if (!this.watchdog) arm();
    return {
      device,
      timeoutS,
      pet: () => {
        if (p.alive && this.generation === gen && this.watchdog) arm();
      },
      close: (disarm) => {
        if (disarm && this.generation === gen) {
          this.watchdog?.cancel();
          this.watchdog = null;
        }
      },
    };
  }
}

/** The victim's power device (QMP or a BMC), driven by the fencer's level; it may fail, hang, or act late. */
class PowerFence implements FenceDevice {
  readonly name = "power";
  constructor(
    private readonly victim: Machine,
    private readonly ctx: FenceContext,
    private readonly p: Owner,
  ) {}

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const v = this.victim;
    const mode = v.power;
    await sleep(this.ctx.clock, 50 + Math.floor(v.s.rng.next() * 400), signal);
    if (signal.aborted || this.p.gone()) return { confirmed: false, detail: "aborted" };
    if (mode === "fail") return { confirmed: false, detail: "BMC answered an error (simulated)" };
    // Only the tests that prove the invariant checker works use a device that confirms without acting.
    if (mode === "lie") return { confirmed: true, detail: "confirmed, but nothing was done (a lying device)" };
    if (mode === "hang" || mode === "late") {
      if (mode === "late") v.s.world.schedule(v.s.world.t + 8000, null, () => v.reset("a late power reset"));
      await sleep(this.ctx.clock, 3_600_000, signal);
      return { confirmed: false, detail: "no answer (simulated)" };
    }
    v.fencedByPeer++;
    if (action === "off") v.powerOff("fenced: power off");
    else v.reset("fenced: power reset");
    return { confirmed: true, detail: `${action} done (simulated power device)` };
  }

  status() {
    return unknownPower("simulated");
  }
}
