// Two compiled guards without a disk channel: cables cut after a fence, and wait_for_all deciding startup fencing.
import { mkdtempSync, symlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type PtyPair, startPtyPair } from "../helpers/pty-pair.ts";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";

const pair = new Pair(18110, T, false);
const optedOut = new Pair(18120, T, false, "wait_for_all = false\n");
test.before(async () => {
  await pair.setup();
  await optedOut.setup();
});
test.after(async () => {
  await pair.teardown();
  await optedOut.teardown();
});

/**
 * Pull both cables and leave the devices in place: the relay drops every datagram (the sockets stay bound), and each
 * node's serial path leads to a tty of its own whose far end nobody holds (it opens, and carries nothing).
 */
async function pullCables(p: Pair): Promise<() => Promise<void>> {
  p.relay.cut = true;
  const dir = p.serial.dir;
  await p.cutSerial();
  const loose: PtyPair[] = [];
  for (const n of ["a", "b"] as const) {
    const end = await startPtyPair(mkdtempSync(join(p.dir, `loose-${n}-`))); // removed with the pair's folder
    loose.push(end);
    rmSync(join(dir, n), { force: true });
    symlinkSync(end.a, join(dir, n));
  }
  return async () => {
    for (const end of loose) await end.kill();
    for (const n of ["a", "b"] as const) rmSync(join(dir, n), { force: true });
    await p.healSerial();
    p.relay.cut = false;
  };
}

test("after a fence, a node rebooting with its cables cut and no disk channel parks as STANDBY and fences nobody", async () => {
  const a = pair.start("a");
  const b = pair.start("b");
  await pair.until(() => a.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
  a.signal("SIGKILL");
  await pair.until(() => b.role === "ACTIVE", T.deadtime + 5000, "b fences the silent a and goes ACTIVE");
  assert.is(pair.fenceCalls("b").length, 1, "b heard a in this boot, then silence: a real failure, fenced");
  const plugIn = await pullCables(pair);
  try {
    const a2 = pair.start("a");
    await Bun.sleep(T.initdead + 2 * T.deadtime + 2000);
    assert.is(
      pair.fenceCalls("a").length,
      0,
      "a never heard b in this boot and has no disk to prove it dead: no fence",
    );
    assert.equal(a2.roles(), ["STANDBY"], pair.describe());
    assert.is(b.role, "ACTIVE");
    assert.is(pair.fenceCalls("b").length, 1, "b was never reset, so it fenced nobody again");
    const refused = a2.events.filter((e) => e.event === "startup-fence-refused");
    assert.match(
      refused[0]!.message,
      /^never heard b on any link since this boot and no disk channel to prove it dead: not fencing \(wait_for_all\)/,
    );
    assert.ok(refused.length >= 2, `said again every retry interval while parked: ${refused.length} time(s)`);
    await plugIn();
    await pair.until(
      () => a2.events.some((e) => e.event === "peer-role" && e.peerRole === "ACTIVE"),
      8000,
      "a hears the ACTIVE b once the cables are back",
    );
    await Bun.sleep(T.deadtime);
    assert.equal(a2.roles(), ["STANDBY"]);
    assert.is(b.role, "ACTIVE");
    assert.is(pair.fenceCalls("a").length + pair.fenceCalls("b").length, 1);
  } finally {
    await pair.stopNodes();
  }
});

test("with wait_for_all = false the admin's choice holds: a alone without a disk channel fences its never-heard peer", async () => {
  const a = optedOut.start("a");
  try {
    await optedOut.until(() => a.role === "ACTIVE", T.initdead + 5000, "a ACTIVE through a startup fence");
    assert.is(optedOut.fenceCalls("a").length, 1);
    assert.equal(a.roles(), ["FENCING", "ACTIVE"]);
    assert.is(a.find("startup-fence-refused"), undefined);
  } finally {
    await optedOut.stopNodes();
  }
});

test.run();
