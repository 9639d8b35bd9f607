// Two compiled guards on one host: the ACTIVE dies (kill -9) or hangs (SIGSTOP); the STANDBY detects, fences, takes over.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";

const pair = new Pair(17930);
test.before(() => pair.setup());
test.after(() => pair.teardown());
test.after.each(() => pair.stopNodes());

async function pairUp() {
  const a = pair.start("a");
  const b = pair.start("b");
  await pair.until(() => a.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
  await Bun.sleep(5 * T.keepalive);
  return { a, b };
}

for (const how of ["SIGKILL", "SIGSTOP"] as const) {
  test(`${how} on the ACTIVE: the STANDBY declares it dead after deadtime, not before, fences it, and takes over`, async () => {
    const { a, b } = await pairUp();
    const fencesBefore = pair.fenceCalls("b").length;
    const killedAt = Date.now();
    a.signal(how);
    await pair.until(() => b.find("peer-dead") !== undefined, T.deadtime + 5000, "b: peer dead");
    const dead = b.find("peer-dead")!;
    const detectMs = Date.parse(dead.ts) - killedAt;
    assert.ok(
      (dead.silentMs as number) >= T.deadtime,
      `declared dead after ${dead.silentMs} ms of silence; deadtime ${T.deadtime}`,
    );
    assert.ok(
      detectMs >= T.deadtime - T.keepalive - 50,
      `detected ${detectMs} ms after the ${how}: earlier than deadtime allows`,
    );
    await pair.until(() => b.role === "ACTIVE", 5000, "b ACTIVE");
    assert.equal(b.roles(), ["STANDBY", "FENCING", "ACTIVE"]);
    assert.is(pair.fenceCalls("b").length, fencesBefore + 1, "exactly one fence call");
    assert.match(pair.fenceCalls("b").at(-1)!, / fence a reset$/);
    const fence = b.find("role", (e) => e.role === "FENCING")!;
    const active = b.find("role", (e) => e.role === "ACTIVE")!;
    assert.ok(Date.parse(active.ts) >= Date.parse(fence.ts), "ACTIVE only after the fence");
    console.log(
      `    ${how}: detected in ${detectMs} ms (deadtime ${T.deadtime} ms), ACTIVE ${Date.parse(active.ts) - killedAt} ms after`,
    );
  });
}

test("the fenced node boots again into STANDBY, and no fence loop follows", async () => {
  const { a, b } = await pairUp();
  a.signal("SIGKILL");
  await pair.until(() => b.role === "ACTIVE", T.deadtime + 5000, "b ACTIVE");
  const fencesA = pair.fenceCalls("a").length;
  const fencesB = pair.fenceCalls("b").length;
  const a2 = pair.start("a");
  await pair.until(() => a2.role === "STANDBY", 5000, "a back as STANDBY");
  await Bun.sleep(T.initdead + T.deadtime);
  assert.is(a2.role, "STANDBY");
  assert.is(b.role, "ACTIVE");
  assert.equal(a2.roles(), ["STANDBY"]);
  assert.is(pair.fenceCalls("a").length, fencesA, "the rejoining node fenced nobody");
  assert.is(pair.fenceCalls("b").length, fencesB, "the survivor fenced nobody again");
});

test.run();
