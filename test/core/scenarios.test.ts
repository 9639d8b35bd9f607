// Two cores wired together over simulated links: the safety rules as whole scenarios.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Sim } from "./sim.ts";
import { OPTED_OUT, TIMERS } from "./fixtures.ts";

const both = (sim: Sim) => [sim.role("a"), sim.role("b")].sort().join(",");

/** Exactly one ACTIVE at every tick from `from` to `to`, never two. */
function watchNeverTwo(sim: Sim, to: number, tick = 10): number {
  let maxActive = 0;
  for (let t = sim.now; t <= to; t += tick) {
    sim.run(t, tick);
    const n = ["a", "b"].filter((x) => sim.role(x as "a" | "b") === "ACTIVE").length;
    maxActive = Math.max(maxActive, n);
  }
  return maxActive;
}

test("a alone goes ACTIVE after initdead, through a confirmed fence", () => {
  const sim = new Sim();
  sim.timers = OPTED_OUT; // startup fencing without a disk channel
  sim.fenceKeepsOff = true;
  sim.boot("a", 0);
  sim.run(TIMERS.initdead - 20);
  assert.is(sim.role("a"), "BOOTING");
  sim.run(TIMERS.initdead + sim.fenceMs + 20);
  assert.is(sim.role("a"), "ACTIVE");
  assert.is(sim.nodes.a.fenceCalls, 1);
});

test("a then b: a ACTIVE, b parks as STANDBY", () => {
  const sim = new Sim();
  sim.timers = OPTED_OUT; // startup fencing without a disk channel
  sim.fenceKeepsOff = true;
  sim.boot("a", 0);
  sim.boot("b", 6000);
  sim.run(8000);
  assert.is(sim.role("a"), "ACTIVE");
  assert.is(sim.role("b"), "STANDBY");
  assert.is(sim.nodes.b.continued, 0);
});

for (const offset of [0, 1, 5, 30, 99]) {
  test(`both boot ${offset} ms apart: exactly one ACTIVE, no fence`, () => {
    const sim = new Sim();
    sim.boot("a", offset);
    sim.boot("b", 0);
    const max = watchNeverTwo(sim, 6000, 1);
    assert.is(max, 1);
    assert.is(both(sim), "ACTIVE,STANDBY");
    assert.is(sim.role("a"), "ACTIVE", "a has the higher priority");
    assert.is(sim.nodes.a.fenceCalls + sim.nodes.b.fenceCalls, 0);
  });
}

test("equal priorities: the tie is broken by name, the same way on both nodes", () => {
  const sim = new Sim({ name: "x", priority: 10 }, { name: "w", priority: 10 });
  sim.boot("a", 0);
  sim.boot("b", 0);
  assert.is(watchNeverTwo(sim, 6000, 1), 1);
  assert.is(sim.role("b"), "ACTIVE", "w sorts before x");
});

test("one channel dies: a warning, no failover", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.cut.add("serial");
  sim.run(20000);
  assert.is(sim.role("a"), "ACTIVE");
  assert.is(sim.role("b"), "STANDBY");
  const warned = sim.log.some(
    (l) =>
      l.node === "b" &&
      l.action.type === "Log" &&
      l.action.event === "link-dead" &&
      l.action.fields?.channel === "serial",
  );
  assert.ok(warned, "b warns that the serial link is dead");
  assert.is(sim.nodes.b.fenceCalls, 0);
});

test("all channels die: the standby fences after deadtime, not before, then takes over", () => {
  const sim = new Sim();
  sim.fenceKeepsOff = true;
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.kill("a");
  const lastHeard = sim.nodes.b.state!.peerView.lastHeard!;
  sim.run(lastHeard + TIMERS.deadtime - 10);
  assert.is(sim.role("b"), "STANDBY", "not before deadtime");
  assert.is(sim.nodes.b.fenceCalls, 0);
  sim.run(lastHeard + TIMERS.deadtime + 10);
  const fencedAt = sim.nodes.b.history.find((h) => h.role === "FENCING")!.t;
  assert.ok(
    fencedAt - lastHeard >= TIMERS.deadtime && fencedAt - lastHeard <= TIMERS.deadtime + 10,
    `declared dead ${fencedAt - lastHeard} ms after the last heartbeat`,
  );
  sim.run(sim.now + sim.fenceMs + 30);
  assert.is(sim.nodes.b.fenceCalls, 1);
  assert.is(sim.role("b"), "ACTIVE");
});

test("a late but alive peer just before deadtime causes no failover", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.cut.add("serial");
  sim.cut.add("udp");
  sim.run(sim.nodes.b.state!.peerView.lastHeard! + TIMERS.deadtime - 30);
  sim.cut.clear();
  sim.run(12000);
  assert.is(sim.role("b"), "STANDBY");
  assert.is(sim.nodes.b.fenceCalls, 0);
  assert.ok(sim.log.some((l) => l.node === "b" && l.action.type === "Log" && l.action.event === "late-heartbeat"));
});

test("links cut while both run: exactly one ACTIVE throughout, the old ACTIVE is reset and comes back STANDBY", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.cut.add("serial");
  sim.cut.add("udp");
  assert.is(watchNeverTwo(sim, 3000 + TIMERS.deadtime + 400), 1);
  assert.is(sim.role("b"), "ACTIVE");
  sim.cut.clear();
  assert.is(watchNeverTwo(sim, 20000), 1);
  assert.is(sim.role("a"), "STANDBY", "fenced node rejoins as STANDBY");
  assert.is(sim.nodes.a.fenceCalls, 0, "no fence loop");
  assert.is(sim.nodes.b.fenceCalls, 1);
});

test("handoff grace keeps the standby from fencing during the switch, and is bounded", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  // a announces a grace far longer than allowed, then goes quiet.
  const st = sim.nodes.a.state!;
  (sim as unknown as { queue: unknown[] }).queue.push({
    at: sim.now + 1,
    to: "b",
    input: {
      kind: "frame",
      now: 0,
      channel: "udp",
      node: "a",
      type: "handoff-grace",
      role: st.role,
      incarnation: sim.nodes.a.incarnation,
      graceMs: 60_000,
    },
  });
  sim.run(sim.now + 2);
  const graceAt = sim.now;
  sim.fenceKeepsOff = true;
  sim.kill("a");
  sim.run(graceAt + TIMERS.handoffGrace - 50);
  assert.is(sim.role("b"), "STANDBY", "no fence inside the grace");
  sim.run(graceAt + TIMERS.handoffGrace + sim.fenceMs + 50);
  assert.is(sim.role("b"), "ACTIVE", "grace is capped at the configured handoffGrace");
});

test("a fence that never confirms leaves the standby STANDBY, retrying loudly", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.fenceWorks = false;
  sim.kill("a");
  sim.run(30000);
  assert.is(sim.role("b"), "STANDBY");
  assert.ok(sim.nodes.b.fenceCalls >= 3, `retried ${sim.nodes.b.fenceCalls} times`);
  const failures = sim.log.filter((l) => l.action.type === "Log" && l.action.event === "fence-failed").length;
  assert.is(failures, sim.nodes.b.fenceCalls);
  assert.is(sim.nodes.b.continued, 0);
});

test("both boot with every link cut: one survivor thanks to the static delay, never two ACTIVE", () => {
  const sim = new Sim();
  sim.timers = OPTED_OUT; // startup fencing without a disk channel
  sim.cut.add("serial");
  sim.cut.add("udp");
  sim.boot("a", 0);
  sim.boot("b", 0);
  assert.is(watchNeverTwo(sim, TIMERS.initdead + TIMERS.fenceDelay + 500), 1);
  assert.is(sim.role("a"), "ACTIVE");
  assert.is(sim.nodes.b.fenceCalls, 0, "the lower-ranked node was reset inside its delay");
});

test("links cut at boot and the fence device unreachable for 10-20 s: the static delay holds on every retry, exactly one survivor", () => {
  // Without the delay on retries, b's retry timer ran in step with a's and both fences landed (both nodes reset).
  const outcomes: string[] = [];
  for (let from = 10_000; from <= 20_000; from += 100) {
    const sim = new Sim();
    sim.timers = OPTED_OUT; // startup fencing without a disk channel
    sim.cut.add("serial");
    sim.cut.add("udp");
    sim.fenceKeepsOff = true;
    sim.fenceWorksFrom = from;
    sim.boot("a", 0);
    sim.boot("b", 0);
    const max = watchNeverTwo(sim, 40_000, 10);
    const end = `${sim.role("a")},${sim.role("b")}`;
    if (max > 1 || (end !== "ACTIVE,OFF" && end !== "OFF,ACTIVE"))
      outcomes.push(`device back at ${from} ms: ${end}${max > 1 ? ", two ACTIVE" : ""}`);
  }
  assert.equal(outcomes, [], outcomes.join("; "));
});

test("the lower-ranked node waits the static delay again before each retry while the peer was never ACTIVE", () => {
  const sim = new Sim();
  sim.timers = OPTED_OUT; // startup fencing without a disk channel
  sim.cut.add("serial");
  sim.cut.add("udp");
  sim.fenceWorks = false;
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(20_000);
  const delays = sim.log.filter(
    (l) => l.node === "b" && l.action.type === "Log" && l.action.event === "fence-delay",
  ).length;
  assert.ok(sim.nodes.b.fenceCalls >= 2, `b retried (${sim.nodes.b.fenceCalls} attempts)`);
  assert.is(delays, sim.nodes.b.fenceCalls, "one delay per attempt");
  assert.is(
    sim.log.filter((l) => l.node === "a" && l.action.type === "Log" && l.action.event === "fence-delay").length,
    0,
    "the higher-ranked node never waits",
  );
});

test("a node that reboots and reads the peer's stale STANDBY frames from a buffer never becomes a second ACTIVE", () => {
  // The lab found this: a reset node's UART still held b's frames from before b took over.
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.kill("a");
  sim.run(3000 + TIMERS.deadtime + 1000);
  assert.is(sim.role("b"), "ACTIVE");
  const q = (sim as unknown as { queue: { at: number; to: string; input: object }[] }).queue;
  sim.boot("a", sim.now + 10);
  for (let i = 0; i < 3; i++)
    q.push({
      at: sim.now + 11 + i,
      to: "a",
      input: {
        kind: "frame",
        now: 0,
        channel: "serial",
        node: "b",
        type: "heartbeat",
        role: "STANDBY",
        incarnation: sim.nodes.b.incarnation,
        echo: false,
      },
    });
  assert.is(watchNeverTwo(sim, sim.now + TIMERS.initdead, 1), 1, "never two ACTIVE");
  assert.is(sim.role("a"), "STANDBY");
  assert.is(sim.role("b"), "ACTIVE");
});

test.run();
