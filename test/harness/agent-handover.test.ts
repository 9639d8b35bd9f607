// The agent takes this boot's links over from the guard (and from a stopped agent) without the peer noticing a gap.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import type { GuardProcess } from "./guard-process.ts";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";

const pair = new Pair(17990);
test.before(() => pair.setup());
test.after(() => pair.teardown());

const sock = () => join(pair.dir, "handover-a.sock");
const file = () => join(pair.dir, "handover-a.json");
const agentArgs = () => ["--handover-socket", sock(), "--handover-file", file(), "--management-socket", join(pair.dir, "mgmt.sock")];
const gaps = (b: GuardProcess, since: number) => b.events.filter((e) => e.seenAt >= since && (e.event === "heartbeat-gap" || e.event === "late-heartbeat")).map((e) => Number(e.gapMs));
const bad = (b: GuardProcess, since: number) => b.events.filter((e) => e.seenAt >= since && ["peer-dead", "peer-restarted", "late-heartbeat", "peer-late"].includes(e.event)).map((e) => `${e.event}: ${e.message}`);

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
    assert.equal(b.events.filter((e) => e.seenAt >= t1 && ["peer-dead", "peer-restarted"].includes(e.event)), [], "b kept a alive across the agent restart");
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

test.run();
