// The agent takes this boot's links over from the guard (and from a stopped agent) without the peer noticing a gap.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { loadAuthkey } from "../../src/config/index.ts";
import { DiskArea } from "../../src/disk/area.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import type { GuardProcess } from "./guard-process.ts";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";

const pair = new Pair(17990);
test.before(() => pair.setup());
test.after(() => pair.teardown());

const sock = () => join(pair.dir, "handover-a.sock");
const file = () => join(pair.dir, "handover-a.json");
const agentArgs = () => [
  "--handover-socket",
  sock(),
  "--handover-file",
  file(),
  "--management-socket",
  join(pair.dir, "mgmt.sock"),
];
const gaps = (b: GuardProcess, since: number) =>
  b.events
    .filter((e) => e.seenAt >= since && (e.event === "heartbeat-gap" || e.event === "late-heartbeat"))
    .map((e) => Number(e.gapMs));
const bad = (b: GuardProcess, since: number) =>
  b.events
    .filter(
      (e) => e.seenAt >= since && ["peer-dead", "peer-restarted", "late-heartbeat", "peer-late"].includes(e.event),
    )
    .map((e) => `${e.event}: ${e.message}`);

test("guard -> agent -> restarted agent: same incarnation, sequence continues, the STANDBY sees no restart and no late heartbeat", async () => {
  const guard = pair.start("a", ["--handover-socket", sock()]);
  const b = pair.start("b");
  try {
    await pair.until(() => guard.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    await Bun.sleep(5 * T.keepalive);
    const inc = guard.find("start")!.incarnation;
    const t0 = Date.now();
    const agent = pair.start("a", agentArgs(), "agent");
    await pair.until(() => agent.find("start") !== undefined, 10000, "agent started");
    await guard.proc.exited;
    assert.is(guard.proc.exitCode, 0, "the guard leaves once its links are handed over");
    const start = agent.find("start")!;
    assert.is(start.incarnation, inc, "the agent continues the guard's incarnation");
    assert.is(start.role, "ACTIVE");
    assert.match(start.message, /took over the links at seq \d+/);
    await pair.until(() => b.find("grace") !== undefined, 3000, "b: handoff grace announced");
    await Bun.sleep(T.deadtime + 500);
    assert.equal(bad(b, t0), [], "b noticed the handover");
    assert.is(b.role, "STANDBY");
    console.log(`    guard -> agent: longest gap at b ${Math.max(0, ...gaps(b, t0))} ms (keepalive ${T.keepalive})`);

    const t1 = Date.now();
    agent.signal("SIGTERM");
    await agent.proc.exited;
    assert.ok(agent.find("stopped"), agent.describe());
    const next = pair.start("a", agentArgs(), "agent");
    await pair.until(() => next.find("start") !== undefined, 10000, "second agent started");
    assert.is(next.find("start")!.incarnation, inc);
    assert.match(next.find("start")!.message, /took over the links/);
    await Bun.sleep(T.deadtime + 500);
    assert.equal(
      b.events.filter((e) => e.seenAt >= t1 && ["peer-dead", "peer-restarted"].includes(e.event)),
      [],
      "b kept a alive across the agent restart",
    );
    assert.is(b.role, "STANDBY");
    console.log(`    agent restart: longest gap at b ${Math.max(0, ...gaps(b, t1))} ms (deadtime ${T.deadtime})`);

    const t2 = Date.now();
    next.signal("SIGKILL");
    await pair.until(() => b.role === "ACTIVE", T.deadtime + 5000, "b takes over from a dead agent");
    assert.ok(b.find("peer-dead", (e) => e.seenAt >= t2));
    assert.match(pair.fenceCalls("b").at(-1)!, / fence a reset$/);
  } finally {
    await guard.stop();
  }
});

test("an agent resumed from the guard's snapshot checks the peer's mailbox once and clears a pill its current boot has served", async () => {
  await pair.stopNodes();
  // b never reads its own mailbox here (its disk path is wrong), so the pill stays until a clears it.
  const guard = pair.start("a", ["--handover-socket", sock()]);
  const b = pair.start("b", ["--disk-device", join(pair.dir, "no-such-disk.img")]);
  let agent: GuardProcess | null = null;
  try {
    await pair.until(() => guard.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    await Bun.sleep(5 * T.keepalive);
    const bInc = Number(b.find("start")!.incarnation);
    // a's pill of b's previous boot, still in b's slot (the guard checked b's mailbox when it first heard b, before this).
    const k = loadAuthkey(pair.key, { requireUid: process.getuid?.() ?? 0 });
    if (!k.ok) throw new Error("authkey");
    const area = await DiskArea.open(pair.disk, 0, { key: k.key, clusterId: clusterIdOf("harness") });
    try {
      // b's slot as its current boot would keep it (b has no disk here): no earlier boot of b is seen on the disk.
      await area.writeSlot(1, {
        node: "b",
        incarnation: bInc,
        seq: 1,
        role: "STANDBY",
        writtenAt: Date.now(),
        uptimeMs: 1,
      });
      await Bun.sleep(500);
      await area.writeMailbox(1, {
        type: "reset",
        sender: "a",
        senderIncarnation: Number(guard.find("start")!.incarnation),
        seq: 7,
        writtenAt: 7,
        targetIncarnation: bInc - 1,
      });
      agent = pair.start("a", agentArgs(), "agent");
      await pair.until(() => agent!.find("pill-cleared") !== undefined, 5000, "the agent cleared the served pill");
      assert.match(
        agent.find("pill-cleared")!.message,
        new RegExp(`cleared the reset pill from slot 1: the peer came back as incarnation ${bInc}`),
      );
      assert.match(agent.find("start")!.message, /took over the links/);
      const box = await area.readMailbox(1);
      assert.ok(box.kind === "ok" && box.value.type === "none", `b's slot is clear: ${JSON.stringify(box)}`);
    } finally {
      await area.close();
    }
  } finally {
    await agent?.stop();
    await guard.stop();
    await b.stop();
  }
});

test("an agent stopped after the guard's hand-over gets a grace of its own: the STANDBY waits it out instead of fencing", async () => {
  const guard = pair.start("a", ["--handover-socket", sock()]);
  const b = pair.start("b");
  try {
    await pair.until(() => guard.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    const agent = pair.start("a", agentArgs(), "agent");
    await pair.until(() => agent.find("start") !== undefined, 10000, "agent started");
    await guard.proc.exited;
    await pair.until(() => b.find("grace") !== undefined, 3000, "b: the guard-to-agent grace");
    await Bun.sleep(T.deadtime + 500); // the agent heartbeats: the hand-over is finished
    const t0 = Date.now();
    const fenced = pair.fenceCalls("b").length; // the fence file outlives the earlier test's nodes
    agent.signal("SIGTERM"); // systemctl stop clusterguard-agent: a grace is announced, then silence
    await agent.proc.exited;
    const grace = Number(agent.find("stopped")?.message.match(/grace (\d+) ms/)?.[1]);
    assert.ok(grace > T.deadtime, `the stop announced a grace longer than deadtime (${grace} ms)`);
    await pair.until(() => b.find("grace", (e) => e.seenAt >= t0) !== undefined, 3000, "b grants the second grace");
    await Bun.sleep(T.deadtime + 700); // past deadtime, inside the grace
    assert.equal(
      b.events
        .filter((e) => e.seenAt >= t0 && ["peer-dead", "grace-refused", "fence-request"].includes(e.event))
        .map((e) => e.message),
      [],
      "b honours the announced grace",
    );
    assert.is(pair.fenceCalls("b").length, fenced, "no fence");
    const next = pair.start("a", agentArgs(), "agent");
    await pair.until(() => next.find("start") !== undefined, 10000, "the agent started again");
    await Bun.sleep(T.deadtime + 500);
    assert.is(b.role, "STANDBY");
    assert.is(pair.fenceCalls("b").length, fenced, "no fence across the whole stop and start");
    await next.stop();
  } finally {
    await guard.stop();
  }
});

test.run();
