// Two configs at once: the nodes of one cluster, or a node's guard and its agent, reading different files. It happens
// in every rolling change (one node rebooted into a regenerated initrd before the other) and whenever /etc is edited
// without regenerating the initrd. Safety must not depend on the two files agreeing (docs/design.md, rows 18.1-18.3
// and 18.5).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ClusterConfig } from "../../src/config/index.ts";
import { loadConfigText } from "../../src/config/index.ts";
import { HEADER_BLOCK, heartbeatBlock } from "../../src/disk/block.ts";
import { encodeHeader, makeHeader } from "../../src/disk/header.ts";
import { decodeSlot } from "../../src/disk/slot.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import { Machine } from "./machine.ts";
import { Cable, SharedDisk } from "./wires.ts";
import { type Ev, Rng, World } from "./world.ts";

const T = { keepalive: 200, warntime: 600, deadtime: 1500, initdead: 3000, grace: 3000 };
const KEY = new Uint8Array(32).fill(11);
const PILL = `[[fencing.level]]\ntype = "poison-pill"\nmsgwait = 2500\nwatchdog_device = "/dev/sim-watchdog"\nwatchdog_timeout = 1\n`;
const QMP = `[[fencing.level]]\ntype = "qmp"\ndevice = "/dev/sim-qmp"\n`;

function config(levels: string, priorities: [number, number] = [200, 100]): ClusterConfig {
  const node = (name: string, priority: number, i: number) =>
    `[[node]]\nname = "${name}"\npriority = ${priority}\naddress = "10.0.0.${i + 1}"\ndisk_slot = ${i}\n\n`;
  const text = `[cluster]\nname = "sim"\n\n${node("a", priorities[0], 0)}${node("b", priorities[1], 1)}[timers]
keepalive = ${T.keepalive}\nwarntime = ${T.warntime}\ndeadtime = ${T.deadtime}\ninitdead = ${T.initdead}\nhandoff_grace = ${T.grace}

[channels.serial]\nenabled = true\ndevice = "/dev/sim-serial"\n\n[channels.udp]\nenabled = true\nport = 694

[channels.disk]\nenabled = true\ndevice = "/dev/sim-disk"\noffset = 0\n\n[fencing]\ndelay = 1000\ntimeout = 3000\n\n${levels}`;
  const r = loadConfigText(text, "sim.toml");
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

/** Per machine: the guard's config (its initrd's) and, when it differs, the agent's (/etc). */
type Side = { guard: ClusterConfig; agent?: ClusterConfig; bootDelayMs: number };

/** Two machines on cables and one disk (msgwait 2500 ms and a 1 s watchdog in its header), not yet powered on. */
function pair(sides: [Side, Side]) {
  const world = new World();
  const rng = new Rng(1);
  const disk = new SharedDisk(world, rng);
  const timers = { keepaliveMs: T.keepalive, deadtimeMs: T.deadtime, msgwaitMs: 2500, watchdogTimeoutMs: 1000 };
  disk.put(HEADER_BLOCK * 4096, encodeHeader(makeHeader(clusterIdOf("sim"), timers, 1_780_000_000_000), KEY));
  const lines: string[] = [];
  const trace = (side: 0 | 1, line: string) =>
    lines.push(`${(world.t / 1000).toFixed(3).padStart(9)} ${side ? "B" : "A"} ${line}`);
  const machines: Machine[] = [];
  const ports = () =>
    [0, 1].map((i) => ({
      link: null,
      owner: {
        gone: () => false,
        held: () => machines[i]?.paused ?? false,
        hold: (e: Ev) => machines[i]?.heldEvents.push(e),
      },
    })) as ConstructorParameters<typeof Cable>[3];
  const serial = new Cable("serial", world, rng, ports());
  const udp = new Cable("udp", world, rng, ports());
  for (const side of [0, 1] as const) {
    const s = sides[side];
    const [na, nb] = s.guard.node;
    machines.push(
      new Machine({
        world,
        rng,
        side,
        config: s.guard,
        ...(s.agent ? { agentConfig: s.agent } : {}),
        key: KEY,
        self: side === 0 ? na! : nb!,
        peer: side === 0 ? nb! : na!,
        serial,
        udp,
        disk,
        trace,
        other: () => machines[side === 0 ? 1 : 0]!,
        bootDelayMs: s.bootDelayMs,
      }),
    );
  }
  const [A, B] = machines as [Machine, Machine];
  let violation: string | null = null;
  const run = (until: number) =>
    world.run(until, () => {
      if (!violation && A.mayWrite() && B.mayWrite())
        violation = `two writers at ${world.t} ms: A ${A.role()}, B ${B.role()}`;
    });
  const timeline = () => lines.slice(-80).join("\n");
  return { world, A, B, serial, udp, disk, run, violation: () => violation, timeline, trace };
}

test("an agent whose /etc config fails its watchdog check never disarms the watchdog its guard armed (row 18.1)", async () => {
  // The initrd's config: msgwait 2500, watchdog 1 s. /etc was edited to msgwait 5000, watchdog 2 s and the initrd not
  // regenerated: the agent's check of 2 s against the header's 2500 ms fails. It used to disarm the running watchdog
  // and stay ACTIVE; A then hung, B's pill was confirmed after msgwait, and both could write when A ran again.
  const edited = config(
    PILL.replace("msgwait = 2500", "msgwait = 5000").replace("watchdog_timeout = 1", "watchdog_timeout = 2"),
  );
  const p = pair([
    { guard: config(PILL), agent: edited, bootDelayMs: 500 },
    { guard: config(PILL), bootDelayMs: 8000 },
  ]);
  p.A.powerOn();
  p.B.powerOn();
  p.world.schedule(30_000, null, () => p.A.pause(15_000, false));
  await p.run(60_000);
  assert.is(p.violation(), null, p.timeline());
  assert.is(p.A.watchdogResets, 1, `A's watchdog, still armed, reset it while it hung:\n${p.timeline()}`);
});

test("a node whose running config has no pill level is not fenced by the peer's pill: nothing shows its watchdog armed (row 18.1)", async () => {
  // A rolling change that adds a pill level: B was rebooted into the new initrd first; A still runs the old config,
  // so it never armed a watchdog. A hangs; its power level fails (BMC down). The pill must not count as a fence.
  const p = pair([
    { guard: config(QMP), bootDelayMs: 500 },
    { guard: config(QMP + PILL), bootDelayMs: 8000 },
  ]);
  p.A.powerOn();
  p.world.schedule(0, null, () => p.B.powerOn());
  p.world.schedule(29_000, null, () => {
    p.A.power = "fail";
  });
  p.world.schedule(30_000, null, () => p.A.pause(15_000, false));
  await p.run(60_000);
  assert.is(p.violation(), null, p.timeline());
  assert.ok(p.timeline().includes("watchdog"), p.timeline());
});

test("an agent restarted without a snapshot keeps the watchdog on its boot's terms, not its own config's longer ones (row 18.5)", async () => {
  // /etc asks for a 10 s watchdog (msgwait 20 s); the guard armed 1 s and the slot showed 1000 ms. The agent crashes
  // and is restarted without a snapshot: it used to re-arm the watchdog at 10 s while the slot still showed 1000 ms
  // for up to a keepalive; a hang in that window let B's pill confirm while A's watchdog ran on (two writers).
  const edited = config(
    PILL.replace("msgwait = 2500", "msgwait = 20000").replace("watchdog_timeout = 1", "watchdog_timeout = 10"),
  );
  for (let d = 0; d <= 220; d += 20) {
    const p = pair([
      { guard: config(PILL), agent: edited, bootDelayMs: 500 },
      { guard: config(PILL), bootDelayMs: 8000 },
    ]);
    p.A.powerOn();
    p.B.powerOn();
    p.world.schedule(30_000, null, () => p.A.crash());
    p.world.schedule(30_100 + d, null, () => p.A.pause(9_000, false));
    await p.run(60_000);
    assert.is(p.violation(), null, `hung ${d} ms after the restart:\n${p.timeline()}`);
  }
});

test("an agent whose /etc config has no pill level keeps petting the watchdog its guard armed (row 18.2)", async () => {
  // The initrd's config has a pill level, /etc not: the agent used to leave the inherited watchdog unpetted, and it
  // reset the ACTIVE about a second after every hand-over (17 resets in 120 s).
  const p = pair([
    { guard: config(QMP + PILL), agent: config(QMP), bootDelayMs: 500 },
    { guard: config(QMP + PILL), agent: config(QMP), bootDelayMs: 1500 },
  ]);
  p.A.powerOn();
  p.B.powerOn();
  await p.run(120_000);
  assert.is(p.violation(), null, p.timeline());
  assert.is(p.A.watchdogResets + p.B.watchdogResets, 0, p.timeline());
  assert.is(p.A.activations + p.B.activations, 1, p.timeline());
  // The ACTIVE's agent shows the peer the watchdog it keeps on the guard's terms: its pill still counts.
  const active = p.A.role() === "ACTIVE" ? 0 : 1;
  const slot = decodeSlot(p.disk.peek(heartbeatBlock(active) * 4096), active, {
    key: KEY,
    clusterId: clusterIdOf("sim"),
  });
  assert.is(slot.kind === "ok" ? slot.value.watchdogMs : slot.kind, 1000);
});

test("two guards whose configs disagree on the priorities still agree on who outranks whom (row 18.3)", async () => {
  // B booted an initrd regenerated after a priority edit (a 100, b 200); A's still says a 200, b 100. With the disk
  // late and the cables on the wrong ports both parked STANDBY; when the cables were fixed each found that it
  // outranked the other, and both went ACTIVE.
  const p = pair([
    { guard: config(QMP, [200, 100]), bootDelayMs: 500 },
    { guard: config(QMP, [100, 200]), bootDelayMs: 500 },
  ]);
  for (const s of [0, 1] as const) p.disk.faults[s].down = true;
  for (const c of [p.serial, p.udp]) for (const d of c.faults) d.cut = true;
  p.world.schedule(15_000, null, () => {
    for (const s of [0, 1] as const) p.disk.faults[s].down = false;
  });
  p.world.schedule(20_000, null, () => {
    for (const c of [p.serial, p.udp]) for (const d of c.faults) d.cut = false;
  });
  p.A.powerOn();
  p.B.powerOn();
  await p.run(40_000);
  assert.is(p.violation(), null, p.timeline());
  assert.ok([p.A.role(), p.B.role()].includes("ACTIVE"), p.timeline());
  assert.ok(p.timeline().includes("b announces priority 200"), p.timeline());
});

test.run();
