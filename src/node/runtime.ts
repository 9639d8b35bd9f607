// One node's runtime, the same in the initrd guard and in the agent after boot: links in, the core in the middle,
// actions out. All I/O lives here and in the helpers it owns (boot-memory.ts, fencing.ts, mailbox.ts), no decisions.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { LinkReport } from "../mgmt/protocol.ts";
import type { ChannelSink } from "../channels/channel.ts";
import type { PeerSlot } from "../channels/disk.ts";
import {
  type Action,
  blockedBy,
  type CoreState,
  type Input,
  initialState,
  resumedActive,
  outranks,
  type SafetyCheck,
  silentTwin,
  step,
} from "../core/index.ts";
import { type FenceLevelConfig, levelsFor } from "../config/types.ts";
import type { ChannelKind, Outcome } from "../core/types.ts";
import type { DiskTimers } from "../disk/header.ts";
import type { OpenBlock } from "../disk/io.ts";
import type { FenceDevice, FenceContext, FenceDisk } from "../fence/device.ts";
import { clearPillIfRebooted, pillMsgwait } from "../fence/poison-pill.ts";
import { fenceBudget } from "../fence/runner.ts";
import { openWatchdog, type Watchdog, type WatchdogTerms } from "../sys/watchdog.ts";
import { errorText, type Logger } from "../log/logger.ts";
import { clusterIdOf, nextIncarnation } from "../protocol/index.ts";
import { type Clock, realClock } from "../sys/clock.ts";
import { SELF_FENCE_RETRY_MS } from "../core/transitions.ts";
import type { Effectors } from "./effectors.ts";
import { answerPayload, FrameBuilder, gracePayload, priorityPayload, Receiver } from "./frames.ts";
import { bootId, type HandoverSnapshot } from "./handover.ts";
import { buildLinks, type Links, type NodeOptions } from "./options.ts";
import { armForPill, PillClear, PillWatch } from "./mailbox.ts";
import type { RunFiles, StoppedRecord } from "./boot-record.ts";
import { BootMemory, continueHeard, type DiskAtStart, readDiskAtStart } from "./boot-memory.ts";
import { type FenceInfo, NodeFencing } from "./fencing.ts";

export { continueHeard } from "./boot-memory.ts";

type PillLevel = Extract<FenceLevelConfig, { type: "poison-pill" }>;

/** A tick this much later than due (or two tick intervals, when more) is this process's own stall. */
const STALL_MS = 100;
/** How long after the last sight of a twin an ACTIVE node writes its slot at every tick (a few of its read-backs). */
const TWIN_OUTWRITE_MS = 5000;

/**
 * A new boot's incarnation: the wall clock, or, when the clock is behind the last one in this node's slot, above that
 * by a random step. Two machines booted as one node at once with their clocks behind would otherwise both take
 * slot + 1 and read each other's writes back as their own. Only then: on a clock that is right the wall clock alone
 * keeps boots in order (a random step there would carry incarnations ahead of the clock, and a later boot that cannot
 * read its slot would fall behind them).
 */
export function mintIncarnation(wallMs: number, slot: number, random: number): number {
  const step = wallMs > slot ? 0 : Math.floor(random * 1_048_576);
  return nextIncarnation(wallMs, slot + step);
}

/**
 * This boot's mark on its slot writes (HeartbeatSlot.writer): 52 bits of a hash of the kernel's random boot id, so
 * that every process of one boot (guard, agent, a restarted agent) writes the same mark and two machines do not,
 * even when both mint the same incarnation (one wall clock, powered on together); random when the boot id is unknown.
 */
export function writerMark(bootId: string, random: number): number {
  if (!bootId) return 1 + Math.floor(random * (2 ** 52 - 1));
  return Number.parseInt(createHash("sha256").update(bootId).digest("hex").slice(0, 13), 16) || 1;
}

/**
 * What the runtime takes from the machine besides its effectors and fence levels: time (with uptime) and timers,
 * this kernel boot's id, the links, how the shared disk is opened, the watchdog, and randomness. The real ones by
 * default; a simulator passes its own to run this very code.
 */
export interface NodeEnv {
  clock: Clock;
  bootId(): string;
  /** The links `o` enables; the disk link reports the peer's slot and this node's own slot read back. */
  links(o: NodeOptions, onPeerSlot: (slot: PeerSlot) => void, onOwnSlot: (slot: PeerSlot) => void): Links;
  /** Opens the shared disk by path (at start, and for a pill when the disk link is down); undefined: the real device. */
  openBlock?: OpenBlock;
  /** `running`: an earlier process of this boot armed it; a refused timeout must not disarm it (no magic close). */
  openWatchdog(device: string, timeoutS: number, running?: boolean): Watchdog | string;
  /** A number in [0, 1). */
  random(): number;
  /** This machine is a virtual machine (a hypervisor can pause it, and its watchdog with it). */
  virtualMachine(): boolean;
  /** The file system of this boot's records (boot-record.ts); undefined: the real one. */
  runFiles?: RunFiles;
}

const REAL_ENV: NodeEnv = {
  clock: realClock,
  bootId,
  links: buildLinks,
  openWatchdog: (device, timeoutS, running) => openWatchdog(device, timeoutS, undefined, { running: running === true }),
  random: Math.random,
  virtualMachine: () => {
    try {
      return /^flags\s*:.*\bhypervisor\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));
    } catch {
      return false;
    }
  },
};

/**
 * One node's runtime, the same in the initrd guard and in the agent after boot: links in, the core in the middle,
 * actions out. Call start(); it runs until stop(), a hand-over (release) or a self-fence.
 */
export class NodeRuntime {
  state!: CoreState;
  incarnation = 0;
  private builder!: FrameBuilder;
  private receiver!: Receiver;
  private links!: Links;
  private stopTicks: (() => void) | null = null;
  private readonly env: NodeEnv;
  private readonly clock: Clock;
  private readonly memory: BootMemory;
  private readonly fencing: NodeFencing;
  private diskBaseline = false;
  private pills: PillWatch | null = null;
  private fenceDisk: FenceDisk | null = null;
  private lastPeerIncarnation = 0;
  /** When this node last found another boot of its name in its slot (clock ms), or null. */
  private twinSeenAt: number | null = null;
  /** Read-backs of the own slot in a row that held only this boot's writes. */
  private cleanReadBacks = 0;
  private outwriting = false;
  /** Every incarnation this process has written under (it changes only when the peer says the clock stepped back). */
  private readonly written = new Set<number>();
  /** This boot's mark on its slot writes (writerMark). */
  private readonly writer: number;
  private pillClear: PillClear | null = null;
  /** Set once this boot released the ACTIVE role (STOPPED announced): why it may not be ACTIVE again before a reboot. */
  releasedThisBoot: string | null = null;
  private lastBeat: Promise<boolean> | undefined;
  private takeoverWaiters: ((r: Outcome) => void)[] = [];
  /** The core's answer to the administrator's confirm-off, taken in the same step. */
  private confirmOffAnswer: Outcome | null = null;
  /** Runs the planned switchover when the STANDBY peer asks to take over (the agent sets it; none in the initrd). */
  handOverForPeer: ((reason: string) => Promise<Outcome>) | null = null;
  /** Heartbeats that came after warntime: for status reports. */
  lateHeartbeats = 0;
  /** Told of every accepted peer frame (its link and the monotonic ms it arrived): the web console's arrival chart. */
  onPeerFrame: ((channel: ChannelKind, now: number) => void) | null = null;

  constructor(
    private readonly o: NodeOptions,
    private readonly log: Logger,
    private readonly fx: Effectors,
    private readonly makeFenceDevices: (ctx: FenceContext) => readonly FenceDevice[],
    env: Partial<NodeEnv> = {},
  ) {
    this.env = { ...REAL_ENV, ...env };
    this.clock = this.env.clock;
    this.writer = writerMark(this.env.bootId(), this.env.random());
    this.memory = new BootMemory({
      runDir: o.runDir,
      ...(this.env.runFiles ? { files: this.env.runFiles } : {}),
      node: o.self.name,
      bootId: () => this.env.bootId(),
      clock: this.clock,
      log,
    });
    this.fencing = new NodeFencing({
      peer: o.peer.name,
      timeoutMs: o.config.fencing.timeout,
      clock: this.clock,
      log,
      result: (ok, device, detail) => this.input({ kind: "fence-result", now: this.clock.now(), ok, device, detail }),
      ended: () => this.pillClear?.fenceDone(),
    });
  }

  /** The last fence's outcome, for status reports. */
  get fenceInfo(): FenceInfo {
    return this.fencing.info;
  }

  /** Bring the links up and start deciding. */
  async start(): Promise<void> {
    const o = this.o;
    const clusterId = clusterIdOf(o.config.cluster.name);
    this.env.bootId(); // read now: after switch_root this process no longer sees /proc
    const snap = typeof o.resume === "object" ? o.resume : null;
    // A successor of this boot's links (the agent) starts them at once: no disk read may delay it (its pill level is
    // then sized from the config; the guard before it warned about a differing header).
    const atStart: DiskAtStart = snap
      ? { incarnation: 0, seq: 0, timers: null }
      : await readDiskAtStart(
          o.config.channels.disk.enabled ? (o.links.diskDevice ?? o.config.channels.disk.device) : undefined,
          o.config.channels.disk.offset,
          { key: o.key, clusterId },
          o.self.disk_slot,
          this.env.openBlock,
        );
    const cont = snap ? null : this.memory.continued(atStart, o.stopped ?? null);
    this.incarnation = snap
      ? snap.incarnation
      : cont
        ? cont.incarnation
        : mintIncarnation(this.clock.wall(), atStart.incarnation, this.env.random());
    const startSeq = snap?.seq ?? cont?.seq ?? 0;
    this.written.add(this.incarnation);
    this.builder = new FrameBuilder({
      key: o.key,
      clusterId,
      node: o.self.name,
      incarnation: this.incarnation,
      startSeq,
    });
    if (!snap)
      this.memory.recordIncarnation(
        this.incarnation,
        startSeq,
        "; an agent started later in this boot without a snapshot will announce a new one",
      );
    if (snap) {
      this.builder.peerIncarnation = snap.peerIncarnation;
      this.lastPeerIncarnation = snap.peerIncarnation;
    }
    this.receiver = new Receiver(
      { key: o.key, clusterId, self: o.self.name, peer: o.peer.name, myIncarnation: this.incarnation },
      (inc) => {
        // Echo the newest boot of the peer: a frame of an older one (buffered on serial, replayed on a link that
        // has not seen the new boot yet) must not move this node's echo back to a boot that is over.
        this.builder.peerIncarnation = Math.max(this.builder.peerIncarnation, inc);
        this.peerIncarnationSeen(inc);
      },
      (echoed) => this.selfBehind(echoed, clusterId),
    );
    // What the predecessor accepted stays refused here: a capture of the peer's current boot is no newer now. Without
    // a snapshot (a crash), the heard record of this boot says the same, as of its last write.
    const memory = this.memory.heard(snap, cont ? this.incarnation : null);
    if (memory?.receiver) this.receiver.restore(memory.receiver);
    if (memory?.fenced) this.receiver.retire(memory.fenced);
    this.links = this.env.links(
      o,
      (slot) => this.onPeerSlot(slot),
      (slot) => this.onOwnSlot(slot),
    );
    const diskDevice = o.links.diskDevice ?? o.config.channels.disk.device;
    if (this.links.disk && diskDevice) {
      const disk = this.links.disk;
      this.fenceDisk = {
        device: diskDevice,
        offset: o.config.channels.disk.offset,
        key: o.key,
        clusterId,
        peerSlot: o.peer.disk_slot,
        area: () => disk.openArea(),
        ...(this.env.openBlock ? { openBlock: this.env.openBlock } : {}),
      };
      const fenceDisk = this.fenceDisk;
      this.pillClear = new PillClear({
        clear: (inc) => clearPillIfRebooted(fenceDisk, o.self.name, inc, () => this.clock.wall()),
        fencing: () => this.fencing.busy,
        log: (level, event, message, fields) => this.log.emit(level, event, message, fields),
        clock: this.clock,
      });
    }
    this.fencing.levels = this.makeFenceDevices({
      self: o.self.name,
      clock: this.clock,
      selfIncarnation: () => this.incarnation,
      peerIncarnation: () => this.lastPeerIncarnation,
      targetIncarnation: () => this.fencing.target ?? this.lastPeerIncarnation,
      peerSilentMs: () => this.peerSilentMs(),
      disk: this.fenceDisk,
      diskTimers: atStart.timers,
      send: (type) => this.broadcast(this.builder.build(type, this.state.role)),
    });
    const t = o.config.timers;
    const init = {
      now: this.clock.now(),
      self: { name: o.self.name, priority: o.self.priority },
      peer: { name: o.peer.name, priority: o.peer.priority },
      timers: {
        keepalive: t.keepalive,
        warntime: t.warntime,
        deadtime: t.deadtime,
        initdead: t.initdead,
        handoffGrace: t.handoff_grace,
        fenceDelay: o.config.fencing.delay,
        // The core's bound on one fence covers every level, each given max(timeout, its own minimum).
        fenceTimeout: fenceBudget(this.fencing.levels, o.config.fencing.timeout),
        fenceRetry: Math.max(t.deadtime, 2000),
        waitForAll: o.config.fencing.wait_for_all,
      },
      channels: [...this.links.stream.map((c) => c.kind), ...(this.links.disk ? (["disk"] as ChannelKind[]) : [])],
      requires: this.activationChecks(),
    };
    this.state =
      o.resume || o.stopped
        ? resumedActive({
            ...init,
            peer0: { role: snap?.peerRole ?? null, incarnation: snap?.peerIncarnation || null },
          })
        : initialState(init);
    if (o.stopped) this.resumeStopped(o.stopped);
    if (memory) this.state = continueHeard(this.state, memory, this.clock.now());
    this.resumeSelfFence();
    const goOn = cont ? `continuing this boot's incarnation from seq ${startSeq + 1}` : "";
    const how = snap
      ? `took over the links at seq ${snap.seq}, ${this.clock.wall() - snap.at} ms after their release`
      : o.stopped
        ? `${goOn}; this boot released the ACTIVE role: announcing STOPPED`
        : o.resume
          ? cont
            ? `no snapshot to take over from: ${goOn}; announcing ACTIVE`
            : "no guard to take over from: this node booted unguarded; announcing ACTIVE"
          : goOn;
    const links = Object.keys(this.state.channels).join(",");
    this.log.emit(
      o.resume ? "warning" : "notice",
      "start",
      `${o.resume ? "agent" : "guard"} started as ${o.self.name} (incarnation ${this.incarnation}), peer ${o.peer.name}${o.hostMode ? ", host mode" : ""}${how ? `: ${how}` : ""}`,
      { incarnation: this.incarnation, links, blocked: blockedBy(this.state) },
      this.state.role,
    );
    if (o.identity) this.log.emit(o.identity.level, "identity", o.identity.message);
    this.warnPillTimers(atStart.timers);
    this.warnPillInVm();
    const sink: ChannelSink = {
      frame: (bytes, channel) => {
        const i = this.receiver.accept(bytes, channel, this.clock.now());
        if (i.kind === "frame") this.onPeerFrame?.(channel, i.now);
        this.input(i);
      },
      health: (channel, up, detail) => this.input({ kind: "channel", now: this.clock.now(), channel, up, detail }),
    };
    for (const c of this.links.stream) await c.start(sink);
    if (this.links.disk) await this.links.disk.start(sink);
    if (this.state.role === "ACTIVE") this.links.disk?.readBackEvery(1000);
    // The predecessor handled the peer's boot as far as it got: check its mailbox once more, through this process's own I/O.
    if (snap) this.pillClear?.seen(snap.peerIncarnation);
    this.startPillWatch();
    const tickMs = Math.max(5, Math.min(50, Math.floor(t.keepalive / 4)));
    let lastTick = this.clock.now();
    this.stopTicks = this.clock.every(tickMs, () => {
      // A tick far later than due: this process did not run (its own stall, not the peer's silence).
      const now = this.clock.now();
      const late = now - lastTick - tickMs;
      lastTick = now;
      this.input({ kind: "tick", now, ...(late > Math.max(STALL_MS, 2 * tickMs) ? { stalledMs: late } : {}) });
      this.outwriteTwin(now);
    });
    this.input({ kind: "tick", now: this.clock.now() });
  }

  /** Feed one observation to the core and perform what it asks. */
  input(i: Input): void {
    const fenced = this.state.fence.fencedIncarnation;
    const was = this.state.role;
    const r = step(this.state, i);
    this.state = r.state;
    // An ACTIVE node has proven its slot is its own: it reads it back about once a second from then on.
    if (r.state.role !== was) this.links?.disk?.readBackEvery(r.state.role === "ACTIVE" ? 1000 : 0);
    // A confirmed fence ended the peer's boot: its frames are refused on every link from now on, not only ignored.
    if (r.state.fence.fencedIncarnation !== null && r.state.fence.fencedIncarnation !== fenced)
      this.receiver.retire(r.state.fence.fencedIncarnation);
    this.recordHeard(r.actions.some((a) => a.type !== "Log" && a.type !== "SendHeartbeat"));
    for (const a of r.actions) this.perform(a);
  }

  /** Counters of every link, for `stats` events and tests. */
  stats(): Record<string, unknown> {
    const links: Record<string, unknown> = {};
    for (const c of [...this.links.stream, ...(this.links.disk ? [this.links.disk] : [])]) links[c.kind] = c.stats();
    return {
      role: this.state.role,
      blocked: blockedBy(this.state),
      accepted: this.receiver.accepted,
      rejected: this.receiver.rejected,
      links,
    };
  }

  /** Per link: the core's view (last heard, late, dead) and the channel's counters. */
  linkReport(): LinkReport[] {
    const t = this.clock.now();
    return [...this.links.stream, ...(this.links.disk ? [this.links.disk] : [])].map((c) => {
      const v = this.state.channels[c.kind];
      const st = c.stats();
      const heard = v?.lastHeard ?? null;
      return {
        kind: c.kind,
        up: st.up,
        lastHeardAgoMs: heard === null ? null : t - heard,
        late: v?.late ?? false,
        dead: v?.dead ?? false,
        framesIn: st.framesIn,
        framesOut: st.framesOut,
        dropped: st.dropped,
        lastError: st.lastError,
      };
    });
  }

  /**
   * Release the ACTIVE role on every link (announce STOPPED); the node must no longer be able to write. Recorded
   * first: an agent restarted in this boot must come back STOPPED, never ACTIVE on the frozen root; where the record
   * cannot be written, STOPPED is not announced (the caller stays ACTIVE). Returns null once announced, else why not.
   */
  announceStopped(reason: string): string | null {
    if (this.state.role !== "STOPPED") {
      const failed = this.memory.recordStopped(this.incarnation, this.builder.lastSeq, reason);
      if (failed) {
        const why = `could not record that this boot releases the ACTIVE role (${failed}): an agent restarted in this boot would come back ACTIVE; not announcing STOPPED`;
        this.log.emit("critical", "stopped", why);
        return why;
      }
    }
    this.releasedThisBoot ??= `this boot released the ACTIVE role (${reason}); reboot this node to rejoin`;
    this.input({ kind: "stop", now: this.clock.now(), reason });
    return null;
  }

  /** The peer's boot incarnation heard last, or null before it is heard. */
  get peerIncarnation(): number | null {
    return this.lastPeerIncarnation || null;
  }

  /** ms since the peer was last heard on any link, or null. */
  peerSilentMs(): number | null {
    const h = this.state.peerView.lastHeard;
    return h === null ? null : this.clock.now() - h;
  }

  /** Fence the peer now (an admin's request), through the configured levels; resolves with the report. */
  fenceNow(action: "reset" | "off"): Promise<Outcome> {
    return this.fencing.forAdmin(action, this.lastPeerIncarnation || null);
  }

  /**
   * The administrator says the peer is off (checked by hand), when no fence level can confirm: counted as a confirmed
   * fence unless the peer is heard (Pacemaker's stonith_admin --confirm). Answers at once.
   */
  confirmOff(detail: string): Outcome {
    this.confirmOffAnswer = null;
    this.input({ kind: "confirm-off", now: this.clock.now(), detail });
    return this.confirmOffAnswer ?? { ok: false, detail: "refused: this node is self-fencing" };
  }

  /** An administrator asks this node to become ACTIVE: a STANDBY asks its ACTIVE peer to hand over; resolves with the outcome. */
  requestTakeover(): Promise<Outcome> {
    const p = new Promise<Outcome>((resolve) => this.takeoverWaiters.push(resolve));
    this.input({ kind: "takeover", now: this.clock.now() });
    return p;
  }

  /** The peer's takeover request reached this ACTIVE node: hand over if an agent can, and answer it. */
  private handOver(reason: string): void {
    const run = this.handOverForPeer;
    const answer = (r: Outcome) => this.input({ kind: "handover-answer", now: this.clock.now(), ...r });
    if (!run)
      return answer({
        ok: false,
        detail: `refused: ${this.o.self.name} is ACTIVE but its boot has not finished (no agent yet to hand over); ask again once it has`,
      });
    void run(reason).then(answer, (e) => answer({ ok: false, detail: `switchover failed: ${errorText(e)}` }));
  }

  /** The root is about to be switched: keep the open descriptors, stop looking up paths. */
  prepareForSwitchRoot(): void {
    this.links.disk?.keepHandles();
  }

  /**
   * Hand this boot's links to a successor: announce a handoff grace, stop every link (the watchdog stays armed),
   * and return what the successor needs. Refused unless ACTIVE: only the ACTIVE node's links continue after boot.
   */
  async release(): Promise<HandoverSnapshot | string> {
    if (this.state.role !== "ACTIVE") return `this node is ${this.state.role}, not ACTIVE`;
    const graceMs = this.o.config.timers.handoff_grace;
    this.broadcast(this.builder.build("handoff-grace", "ACTIVE", gracePayload(graceMs)));
    this.stopTicks?.();
    this.stopTicks = null;
    // Read before the stop lets go of it: the watchdog stays running, and the successor must know to keep petting it.
    const watchdog = this.pills?.armed ?? this.inheritedWatchdog();
    this.pills?.stop(false);
    this.pillClear?.stop();
    await this.lastBeat;
    for (const c of this.links.stream) await c.stop();
    await this.links.disk?.stop();
    const s = this.state;
    return {
      v: 1,
      bootId: this.env.bootId(),
      node: this.o.self.name,
      incarnation: this.incarnation,
      seq: this.builder.lastSeq,
      peerIncarnation: this.builder.peerIncarnation,
      peerRole: s.peerView.role,
      at: this.clock.wall(),
      graceMs,
      receiver: this.receiver.save(),
      fencedIncarnation: s.fence.fencedIncarnation,
      peerSeq: s.peerView.incarnation === this.builder.peerIncarnation ? s.peerView.lastSeq : null,
      secondActive: this.secondActive(),
      uptimeMs: this.clock.uptime(),
      watchdog,
    };
  }

  /** Close every link. */
  async stop(): Promise<void> {
    this.stopTicks?.();
    this.stopTicks = null;
    this.pills?.stop(this.o.hostMode);
    this.pillClear?.stop();
    for (const c of this.links.stream) await c.stop();
    await this.links.disk?.stop();
  }

  private perform(a: Action): void {
    switch (a.type) {
      case "Log":
        if (a.event === "late-heartbeat") this.lateHeartbeats++;
        return this.log.emit(a.level, a.event, a.message, a.fields ?? {}, a.role);
      case "SendHeartbeat":
        return this.broadcast(this.builder.build("heartbeat", this.state.role, priorityPayload(this.o.self.priority)));
      case "SendMessage":
        return this.broadcast(
          this.builder.build(
            a.message,
            this.state.role,
            a.graceMs !== undefined ? gracePayload(a.graceMs) : a.answer ? answerPayload(a.answer) : undefined,
          ),
        );
      case "HandOver":
        // A switchover that a crash could let a replay run again must not start unrecorded.
        if (this.memory.heardFailed) {
          const detail = `refused: this node cannot record how far it heard ${this.o.peer.name} (${this.memory.heardFailed})`;
          return this.input({ kind: "handover-answer", now: this.clock.now(), ok: false, detail });
        }
        return this.handOver(a.reason);
      case "ConfirmOffAnswer":
        this.confirmOffAnswer = { ok: a.ok, detail: a.detail };
        return;
      case "TakeoverAnswer": {
        const waiting = this.takeoverWaiters.splice(0);
        for (const w of waiting) w({ ok: a.ok, detail: a.detail });
        return;
      }
      case "FencePeer":
        return this.fencing.forCore(a.action, this.state.fence.target);
      case "ContinueBoot":
        return this.fx.continueBoot();
      case "SelfFence":
        this.pills?.stop(false);
        this.memory.recordSelfFence(this.incarnation, a.reason, a.power ?? "reset");
        return this.fx.selfFence(a.reason, a.power ?? "reset", a.flush ?? false);
    }
  }

  private broadcast(bytes: Uint8Array): void {
    // A self-fencing node, and a twin that parked itself, are silent on every link, whatever asks them to send.
    if (this.state.selfFence || silentTwin(this.state)) return;
    for (const c of this.links.stream) c.send(bytes);
    this.lastBeat = this.beatDisk();
  }

  /** Write this node's disk slot: its boot, the last seq sent, its role (undefined without a disk link). */
  private beatDisk(): Promise<boolean> | undefined {
    return this.links.disk?.beat({
      node: this.o.self.name,
      incarnation: this.incarnation,
      seq: this.builder.lastSeq,
      role: this.state.role,
      writer: this.writer,
      watchdogMs: this.watchdogShown(),
      priority: this.o.self.priority,
    });
  }

  /**
   * The watchdog timeout this node's slot shows the peer (ms; 0: none): the one it keeps armed and petted while its
   * mailbox reads clean, or the one its guard left running. Host mode arms none and stands in the configured one
   * (tests of the peer's pill only).
   */
  private watchdogShown(): number {
    if (this.o.hostMode) {
      const pill = this.pillLevel();
      return pill ? pill.watchdog_timeout * 1000 : 0;
    }
    // An agent shows the watchdog its guard left running from its start: it runs, petted or not, until it resets.
    const armed = this.pills?.armed ?? this.inheritedWatchdog();
    return armed ? armed.timeoutS * 1000 : 0;
  }

  private onPeerSlot(slot: PeerSlot): void {
    // The first read only sets the baseline: a stale slot proves nothing, unless it says the peer stopped cleanly.
    const first = !this.diskBaseline;
    this.diskBaseline = true;
    this.peerIncarnationSeen(slot.incarnation);
    if (first && slot.role !== "STOPPED") return;
    const now = this.clock.now();
    this.onPeerFrame?.("disk", now);
    this.input({
      kind: "frame",
      now,
      channel: "disk",
      node: slot.node,
      type: "heartbeat",
      role: slot.role,
      incarnation: slot.incarnation,
      seq: slot.seq,
      ...(slot.priority !== undefined ? { priority: slot.priority } : {}),
    });
  }

  /**
   * This node's own slot read back: this process's writes only (the clean-start check is met), or another machine
   * writes it (a twin: booted as this node, or a node given this slot by another config).
   */
  private onOwnSlot(slot: PeerSlot): void {
    const now = this.clock.now();
    if (slot.node === this.o.self.name && this.written.has(slot.incarnation) && slot.writer === this.writer) {
      // Read back before every beat until activation: a deadtime of them in a row (at least 3) holding only this
      // boot's writes, so that a twin whose own writes come and go (its disk link flapping) shows in one of them.
      this.cleanReadBacks++;
      const need = Math.max(3, Math.ceil(this.o.config.timers.deadtime / this.o.config.timers.keepalive));
      if (this.state.blocks.slot && this.cleanReadBacks >= need)
        this.input({
          kind: "safety",
          now,
          check: "slot",
          ok: true,
          detail: `own disk slot held only this boot's writes ${this.cleanReadBacks} times in a row`,
        });
      return;
    }
    this.cleanReadBacks = 0;
    this.twinSeenAt = now;
    this.input({
      kind: "twin",
      now,
      incarnation: slot.incarnation,
      role: slot.role,
      // One incarnation for both (minted at the same wall-clock ms): the writer marks decide, the same way on both.
      laterBoot:
        this.incarnation > slot.incarnation ||
        (this.incarnation === slot.incarnation && this.writer > (slot.writer ?? 0)),
    });
  }

  /**
   * An ACTIVE node that found a twin in its slot cannot tell whether the twin found it too (each reads the slot back
   * only about once a second, just before its own write, and one of the two may keep missing the other). So for a
   * while after the last sight of it, the ACTIVE writes its slot at every tick: the twin's next read-back, whenever it
   * comes, finds this boot there, and the twin parks instead of passing its clean-start check.
   */
  private outwriteTwin(now: number): void {
    if (this.twinSeenAt === null || now - this.twinSeenAt > TWIN_OUTWRITE_MS) return;
    if (this.state.role !== "ACTIVE" || this.state.selfFence || this.outwriting) return;
    const beat = this.beatDisk();
    if (!beat) return;
    // One at a time: a slow disk must not pile writes up.
    this.outwriting = true;
    this.lastBeat = beat.finally(() => {
      this.outwriting = false;
    });
  }

  /** Read this node's own mailbox: pills go to the core; the watchdog (poison-pill fencing only) is petted while it reads clean. */
  private startPillWatch(): void {
    const disk = this.links.disk;
    if (!disk) return;
    const pill = this.pillLevel();
    // A watchdog the predecessor left running is kept on its terms, whatever this process's config says (/etc edited
    // and the initrd not regenerated): it runs until the machine reboots, and the peer counts on it (row 18.2).
    const inherited = this.inheritedWatchdog();
    if (
      inherited &&
      (!pill || pill.watchdog_device !== inherited.device || pill.watchdog_timeout !== inherited.timeoutS)
    )
      this.log.emit(
        "warning",
        "watchdog",
        `the guard left ${inherited.device} running with a ${inherited.timeoutS} s timeout; this process's config says ${pill ? `${pill.watchdog_device}, ${pill.watchdog_timeout} s` : "no poison-pill level for this node"}: kept on the guard's terms until this machine reboots (the two configs differ: regenerate the initrd)`,
      );
    const terms = inherited ?? (pill ? { device: pill.watchdog_device, timeoutS: pill.watchdog_timeout } : null);
    const open = terms ? () => this.env.openWatchdog(terms.device, terms.timeoutS, inherited !== null) : null;
    if (pill && this.o.hostMode) {
      this.log.emit(
        "warning",
        "watchdog",
        "host mode: no watchdog is armed and activation does not wait for one; the peer's poison pill is no fence against this process (tests only)",
      );
    }
    this.pills = new PillWatch({
      read: () => disk.readOwnMailbox(),
      arm: open && !this.o.hostMode ? () => armForPill(open, disk.headerTimers()) : null,
      periodMs: terms ? Math.min(1000, Math.floor((terms.timeoutS * 1000) / 4)) : 1000,
      clock: this.clock,
      incarnation: () => this.incarnation,
      report: (r) => this.input({ kind: "pill", now: this.clock.now(), ...r }),
      check: (check, ok, detail) => this.input({ kind: "safety", now: this.clock.now(), check, ok, detail }),
      armed: (w) => this.memory.recordWatchdog(w.device, w.timeoutS),
      log: (level, event, message) => this.log.emit(level, event, message),
    });
    this.pills.start();
  }

  /**
   * The watchdog an earlier process of this boot armed and left running, or null: the guard's, through its snapshot;
   * else as recorded in this boot's run directory (an agent restarted without a snapshot), read once (row 18.5).
   */
  private inheritedWatchdog(): WatchdogTerms | null {
    if (this.inherited === undefined) {
      const snap = typeof this.o.resume === "object" ? this.o.resume : null;
      this.inherited = snap?.watchdog ?? this.memory.watchdog();
    }
    return this.inherited;
  }
  private inherited: WatchdogTerms | null | undefined;

  /** The poison-pill level that fences this node, when there is one (then it arms its watchdog and obeys pills). */
  private pillLevel(): PillLevel | undefined {
    return levelsFor(this.o.config.fencing.level, this.o.self.name).find(
      (a): a is PillLevel => a.type === "poison-pill",
    );
  }

  /**
   * What activation waits for (SBD's clean start): with the disk channel, one decoded read of this node's own
   * mailbox; with a poison-pill level too, an armed watchdog. Host mode (tests, no watchdog) waives the watchdog.
   */
  private activationChecks(): SafetyCheck[] {
    if (!this.links.disk) return [];
    // The own slot's clean start matters only to a node that has yet to activate (not an agent continuing ACTIVE).
    const slot: SafetyCheck[] = this.o.resume || this.o.stopped ? [] : ["slot"];
    return ["mailbox", ...slot, ...(this.pillLevel() && !this.o.hostMode ? (["watchdog"] as SafetyCheck[]) : [])];
  }

  /**
   * The peer echoes a boot of this node later than the running one: the wall clock stepped back since (the
   * incarnation is the clock where no disk slot stores the last one), and the peer refuses this boot's frames as
   * stale. The peer is the durable memory then: continue as a boot later than anything it knows, as a restart of
   * this node's frames (sequence numbers start again). A capture cannot cause this: only a boot of this node
   * later than the running one was ever echoed with a higher number.
   */
  private selfBehind(echoed: number, clusterId: number): void {
    if (echoed <= this.incarnation) return;
    const was = this.incarnation;
    // A random step above it: a boot of this node the peer never heard may have used echoed + 1 already.
    this.incarnation = nextIncarnation(this.clock.wall(), echoed + 1 + Math.floor(this.env.random() * 1_000_000));
    const peerIncarnation = this.builder.peerIncarnation;
    this.builder = new FrameBuilder({
      key: this.o.key,
      clusterId,
      node: this.o.self.name,
      incarnation: this.incarnation,
    });
    this.builder.peerIncarnation = peerIncarnation;
    this.receiver.myIncarnation = this.incarnation;
    this.written.add(this.incarnation);
    // A later start in this boot (an agent without a snapshot) must continue this incarnation, not the stale one.
    this.memory.recordIncarnation(this.incarnation, 0, "");
    this.log.emit(
      "warning",
      "incarnation",
      `${this.o.peer.name} knows a later boot of this node (incarnation ${echoed} > ${was}): the clock stepped back; continuing as incarnation ${this.incarnation}`,
      { was, echoed, incarnation: this.incarnation },
    );
  }

  /** Write how far this boot has heard the peer, unless self-fencing (boot-memory.ts). */
  private recordHeard(acting: boolean): void {
    if (this.state.selfFence) return;
    this.memory.recordHeard(
      () => ({
        incarnation: this.incarnation,
        peerIncarnation: this.state.peerView.incarnation,
        peerSeq: this.state.peerView.lastSeq,
        fencedIncarnation: this.state.fence.fencedIncarnation,
        secondActive: this.secondActive(),
        receiver: () => this.receiver.save(),
      }),
      acting,
      this.o.config.timers.keepalive,
    );
  }

  /** The boot of a second ACTIVE this node outranks and has not fenced yet: a successor must go on fencing it. */
  private secondActive(): number | null {
    const s = this.state;
    if (!s.peerView.conflict || s.role !== "ACTIVE" || !outranks(s.self, s.peer)) return null;
    return s.fence.target ?? s.peerView.incarnation;
  }

  /** This boot self-fenced before this process started (the reset was refused): silent from the start, reset again. */
  private resumeSelfFence(): void {
    const rec = this.memory.selfFenced();
    if (!rec) return;
    const t = this.clock.now();
    this.state = {
      ...this.state,
      role: "STOPPED",
      selfFence: { reason: rec.reason, power: rec.power, flush: false, at: t, triedAt: t - SELF_FENCE_RETRY_MS },
    };
    this.log.emit(
      "critical",
      "self-fence",
      `this boot self-fenced earlier (${rec.reason}) and is still running: silent on every link, trying the reset again`,
      {},
      this.state.role,
    );
  }

  /** Say at start when the config's msgwait and the disk header's differ: the pill waits the longer. */
  private warnPillTimers(header: DiskTimers | null): void {
    const pill = this.pillLevel();
    const w = pill && header ? pillMsgwait(pill.msgwait, header).warning : null;
    if (w) this.log.emit("warning", "msgwait", w);
  }

  /**
   * A poison pill is confirmed by msgwait because the victim's watchdog resets it; a hypervisor that pauses this VM
   * stops its watchdog too, and the VM writes again when it resumes (docs/design.md, the pill's assumption). Said at
   * start: critical when no power level comes before the pill, a warning when one does (the pill then runs only
   * when that level failed).
   */
  private warnPillInVm(): void {
    const levels = levelsFor(this.o.config.fencing.level, this.o.self.name);
    const pill = levels.findIndex((a) => a.type === "poison-pill");
    if (pill < 0 || !this.env.virtualMachine()) return;
    const power = levels.slice(0, pill).some((a) => a.type === "qmp" || a.type === "ipmi" || a.type === "redfish");
    this.log.emit(
      power ? "warning" : "critical",
      "pill-in-vm",
      `this node runs in a virtual machine: a hypervisor pause stops its watchdog with it, so the peer's poison pill is no fence against it while paused${power ? "; the power level before the pill covers that unless it fails" : ": put a power level (qmp, ipmi, redfish) before the pill"}`,
    );
  }

  /**
   * A peer boot we had not heard before: if our poison pill is still in its slot, that boot proves it worked; clear
   * it (an incarnation is minted once per boot, boot-record.ts), once no fence of ours is in flight.
   */
  private peerIncarnationSeen(inc: number): void {
    // Incarnations grow from boot to boot (src/protocol/incarnation.ts): a lower one is an earlier boot's leftover (the
    // peer's stale disk slot, bytes buffered in a line) and must not become the boot a pill is aimed at or cleared for.
    if (inc <= this.lastPeerIncarnation) return;
    this.lastPeerIncarnation = inc;
    this.pillClear?.seen(inc);
  }

  /** This boot released the ACTIVE role before this process started: STOPPED from the first frame, never ACTIVE again. */
  private resumeStopped(rec: StoppedRecord): void {
    const r = step(this.state, {
      kind: "stop",
      now: this.clock.now(),
      reason: `this boot released the ACTIVE role earlier (${rec.reason})`,
    });
    this.state = r.state;
    for (const a of r.actions) if (a.type === "Log") this.perform(a);
    this.releasedThisBoot = `this boot released the ACTIVE role at ${new Date(rec.at).toISOString()} (${rec.reason}); reboot this node to rejoin the cluster`;
    this.log.emit(
      "critical",
      "stopped",
      `${this.releasedThisBoot}: announcing STOPPED as incarnation ${rec.incarnation} from seq ${this.builder.lastSeq + 1}; no resources or services start`,
      { incarnation: rec.incarnation },
      this.state.role,
    );
  }
}
