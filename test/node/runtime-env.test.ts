// The runtime driven through NodeEnv with links of the test's own: two links whose frames the test hands in and
// reads back, on the real receiver, core and frame builder.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Channel, type ChannelSink, emptyStats } from "../../src/channels/channel.ts";
import type { ChannelKind } from "../../src/core/types.ts";
import type { LogEvent } from "../../src/log/event.ts";
import { Logger } from "../../src/log/logger.ts";
import { FrameBuilder } from "../../src/node/frames.ts";
import { mintIncarnation, NodeRuntime, writerMark } from "../../src/node/runtime.ts";
import type { DiskChannel, PeerSlot } from "../../src/channels/disk.ts";
import type { DiskBeat } from "../../src/disk/channel-options.ts";
import { clusterIdOf, decodeFrame } from "../../src/protocol/index.ts";
import { KEY, loadTestConfig } from "./runtime-pair.ts";

/** A link the test drives: it keeps the runtime's sink and every frame sent. */
class TestLink implements Channel {
  sink: ChannelSink | null = null;
  readonly sent: Uint8Array[] = [];
  constructor(readonly kind: ChannelKind) {}
  async start(sink: ChannelSink): Promise<void> {
    this.sink = sink;
  }
  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  async stop(): Promise<void> {}
  stats() {
    return { ...emptyStats(), up: true };
  }
  deliver(bytes: Uint8Array): void {
    this.sink?.frame(bytes, this.kind);
  }
}

const config = loadTestConfig("wait_for_all = false");
const clusterId = clusterIdOf("runtime-pair");

test("a frame of the peer's older boot on a link that has not seen its new boot does not move this node's echo back", async () => {
  const serial = new TestLink("serial");
  const udp = new TestLink("udp");
  const self = config.node.find((n) => n.name === "a")!;
  const peer = config.node.find((n) => n.name === "b")!;
  const rt = new NodeRuntime(
    { config, key: KEY, self, peer, links: {}, hostMode: true, realtime: false },
    new Logger("a", []),
    { continueBoot() {}, selfFence() {} },
    () => [],
    { links: () => ({ stream: [serial, udp], disk: null }) },
  );
  await rt.start();
  try {
    const oldBoot = new FrameBuilder({ key: KEY, clusterId, node: "b", incarnation: 900 });
    const newBoot = new FrameBuilder({ key: KEY, clusterId, node: "b", incarnation: 901 });
    const stale = oldBoot.build("heartbeat", "ACTIVE"); // buffered in the serial line since b's earlier boot
    udp.deliver(newBoot.build("heartbeat", "BOOTING"));
    serial.deliver(stale);
    rt.input({ kind: "stop", now: Math.floor(performance.now()), reason: "test: make it send" });
    const last = udp.sent.at(-1)!;
    const d = decodeFrame(last, { key: KEY, clusterId });
    assert.is(d.kind, "ok");
    assert.is(d.kind === "ok" ? d.frame.peerIncarnation : 0, 901, "still echoes the peer's newest boot");
  } finally {
    await rt.stop();
  }
});

/** Start a runtime of node a with `levels` (TOML) on test links; `vm`: what NodeEnv says about the machine. */
async function startEvents(levels: string, vm: boolean): Promise<LogEvent[]> {
  const cfg = loadTestConfig(`${levels}\n[channels.disk]\nenabled = true\ndevice = "/nonexistent/cg-disk"\n`);
  const events: LogEvent[] = [];
  const rt = new NodeRuntime(
    {
      config: cfg,
      key: KEY,
      self: cfg.node.find((n) => n.name === "a")!,
      peer: cfg.node.find((n) => n.name === "b")!,
      links: {},
      hostMode: true,
      realtime: false,
    },
    new Logger("a", [(e) => void events.push(e)]),
    { continueBoot() {}, selfFence() {} },
    () => [],
    { links: () => ({ stream: [new TestLink("udp")], disk: null }), virtualMachine: () => vm },
  );
  await rt.start();
  await rt.stop();
  return events;
}

const PILL = `[[fencing.level]]\ntype = "poison-pill"\nmsgwait = 10000\n`;
const QMP = `[[fencing.level]]\ntype = "qmp"\ndevice = "/dev/null"\n`;

test("a poison pill as the only level in a virtual machine is called out at start (a paused VM's watchdog stops too)", async () => {
  const pillOnly = (await startEvents(PILL, true)).find((e) => e.event === "pill-in-vm");
  assert.is(pillOnly?.level, "critical");
  assert.match(pillOnly?.message ?? "", /put a power level/);
  const behindPower = (await startEvents(`${QMP}\n${PILL}`, true)).find((e) => e.event === "pill-in-vm");
  assert.is(behindPower?.level, "warning");
  assert.is(
    (await startEvents(PILL, false)).find((e) => e.event === "pill-in-vm"),
    undefined,
    "bare metal: silent",
  );
});

test("the administrator's confirm-off reaches the core through the runtime and answers at once", async () => {
  const udp = new TestLink("udp");
  const self = config.node.find((n) => n.name === "a")!;
  const peer = config.node.find((n) => n.name === "b")!;
  let continued = 0;
  const rt = new NodeRuntime(
    { config, key: KEY, self, peer, links: {}, hostMode: true, realtime: false },
    new Logger("a", []),
    { continueBoot: () => void continued++, selfFence() {} },
    () => [],
    { links: () => ({ stream: [udp], disk: null }) },
  );
  await rt.start();
  try {
    udp.deliver(new FrameBuilder({ key: KEY, clusterId, node: "b", incarnation: 900 }).build("heartbeat", "ACTIVE"));
    const heard = rt.confirmOff("test");
    assert.is(heard.ok, false);
    assert.match(heard.detail, /b was heard \d+ ms ago/);
    assert.is(continued, 0);
  } finally {
    await rt.stop();
  }
});

/** A clock the test moves: `every` timers run when the test says so. */
function manualClock() {
  let t = 1000;
  const periodic: (() => void)[] = [];
  return {
    clock: {
      now: () => t,
      wall: () => 1_780_000_000_000 + t,
      uptime: () => t,
      every: (_ms: number, fn: () => void) => {
        periodic.push(fn);
        return () => {};
      },
      after: () => () => {},
    },
    /** Advance by `ms` and run every periodic timer once. */
    step(ms: number) {
      t += ms;
      for (const fn of periodic) fn();
    },
  };
}

/** A disk link that only records its beats (DiskBeat) and reads a clean mailbox. */
function beatingDisk(onBeat: (beat: DiskBeat) => void): DiskChannel {
  return {
    kind: "disk",
    async start() {},
    async stop() {},
    send() {},
    stats: () => ({ ...emptyStats(), up: true }),
    async beat(b: DiskBeat) {
      onBeat(b);
      return true;
    },
    readOwnMailbox: async () => ({ kind: "empty" as const, detail: "" }),
    headerTimers: () => undefined,
    openArea: () => undefined,
    keepHandles() {},
    readBackEvery() {},
  } as unknown as DiskChannel;
}

test("an ACTIVE node that found a twin in its slot writes the slot at every tick for a while, so the twin's read-back finds it", async () => {
  const beats: number[] = [];
  let ownSlot: ((slot: PeerSlot) => void) | null = null;
  const m = manualClock();
  const disk = beatingDisk(() => beats.push(m.clock.now()));
  const self = config.node.find((n) => n.name === "a")!;
  const peer = config.node.find((n) => n.name === "b")!;
  const rt = new NodeRuntime(
    { config, key: KEY, self, peer, links: {}, hostMode: true, realtime: false, resume: "unguarded" },
    new Logger("a", []),
    { continueBoot() {}, selfFence() {} },
    () => [],
    {
      clock: m.clock,
      links: (_o, _peer, own) => {
        ownSlot = own;
        return { stream: [new TestLink("udp")], disk };
      },
    },
  );
  await rt.start();
  try {
    assert.is(rt.state.role, "ACTIVE");
    const quiet = beats.length;
    for (let i = 0; i < 20; i++) m.step(25);
    const before = beats.length - quiet; // heartbeats only: one per keepalive (100 ms)
    ownSlot!({ node: "a", incarnation: 5, seq: 1, role: "BOOTING", writtenAt: 0, uptimeMs: 0 });
    const from = beats.length;
    for (let i = 0; i < 20; i++) {
      m.step(25);
      await Promise.resolve();
    }
    const after = beats.length - from;
    assert.ok(after >= 15 && before <= 6, `beats in 500 ms: ${before} before the twin, ${after} after`);
    assert.is(rt.state.role, "ACTIVE", "the ACTIVE stays; the twin parks");
  } finally {
    await rt.stop();
  }
});

test("a new boot's incarnation: the wall clock when it is ahead of the slot; behind it, the slot plus a random step", () => {
  assert.is(mintIncarnation(5000, 4000, 0.99), 5000, "a right clock: the wall clock, no step");
  assert.is(mintIncarnation(5000, 0, 0.99), 5000, "no slot read: the wall clock");
  assert.is(mintIncarnation(3000, 4000, 0), 4001, "behind: above the slot");
  const twins = [0.1, 0.2].map((r) => mintIncarnation(3000, 4000, r));
  assert.ok(twins[0]! > 4000 && twins[1]! > 4000 && twins[0] !== twins[1], `twins apart: ${twins}`);
});

test("a boot's writer mark: the same for every process of one boot, different between boots, random without a boot id", () => {
  const a = writerMark("0b1c5a52-7d3e-4b64-9d2e-7f1f3c2a9e01", 0.5);
  assert.is(writerMark("0b1c5a52-7d3e-4b64-9d2e-7f1f3c2a9e01", 0.9), a, "guard and agent of one boot");
  assert.is.not(writerMark("5d0e1a2b-7d3e-4b64-9d2e-7f1f3c2a9e01", 0.5), a, "another machine's boot");
  assert.ok(Number.isSafeInteger(a) && a > 0 && a < 2 ** 52);
  assert.is.not(writerMark("", 0.1), writerMark("", 0.2));
});

test("the own slot read back under this boot's incarnation but another writer's mark is a twin, not a clean read", async () => {
  const beats: DiskBeat[] = [];
  let ownSlot: ((slot: PeerSlot) => void) | null = null;
  const disk = beatingDisk((b) => beats.push(b));
  const m = manualClock();
  const self = config.node.find((n) => n.name === "a")!;
  const peer = config.node.find((n) => n.name === "b")!;
  const rt = new NodeRuntime(
    { config, key: KEY, self, peer, links: {}, hostMode: true, realtime: false },
    new Logger("a", []),
    { continueBoot() {}, selfFence() {} },
    () => [],
    {
      clock: m.clock,
      bootId: () => "boot-of-machine-one",
      links: (_o, _peer, own) => {
        ownSlot = own;
        return { stream: [new TestLink("udp")], disk };
      },
    },
  );
  await rt.start();
  try {
    for (let i = 0; i < 8; i++) m.step(25);
    const mine = beats.at(-1)!;
    assert.is(mine.writer, writerMark("boot-of-machine-one", 0), "beats carry this boot's mark");
    const slot = {
      node: "a",
      incarnation: rt.incarnation,
      seq: 1,
      role: "BOOTING" as const,
      writtenAt: 0,
      uptimeMs: 0,
    };
    ownSlot!({ ...slot, writer: mine.writer! });
    assert.is(rt.state.blocks.twin, undefined, "its own write: clean");
    ownSlot!({ ...slot, writer: writerMark("boot-of-machine-two", 0) });
    assert.ok(rt.state.blocks.twin, "same incarnation, another machine's mark: a twin");
  } finally {
    await rt.stop();
  }
});

test.run();
