// The poison pill with two processes on one disk file: a running guard obeys a fresh pill, refuses to go ACTIVE
// on a pill found at boot (SBD's clean start), and is released when the fencer sees its new boot and clears it.
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadAuthkey } from "../../src/config/index.ts";
import { DiskArea } from "../../src/disk/area.ts";
import type { FenceContext } from "../../src/fence/device.ts";
import { clearPillIfRebooted, PoisonPillFence } from "../../src/fence/poison-pill.ts";
import { clusterIdOf } from "../../src/protocol/index.ts";
import { runExe } from "../helpers/exe.ts";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";
import { realClock } from "../../src/sys/clock.ts";

const MSGWAIT = 2000;
const pair = new Pair(
  17960,
  T,
  true,
  `[[fencing.level]]\ntype = "poison-pill"\nmsgwait = ${MSGWAIT}\nwatchdog_timeout = 1\n`,
);
test.before(() => pair.setup());
test.after(() => pair.teardown());

/** The test process plays node b, the fencer, with a's last known incarnation. */
function fencer(aIncarnation: () => number) {
  const k = loadAuthkey(pair.key, { requireUid: process.getuid?.() ?? 0 });
  if (!k.ok) throw new Error("authkey");
  const disk = { device: pair.disk, offset: 0, key: k.key, clusterId: clusterIdOf("harness"), peerSlot: 0 };
  const ctx: FenceContext = {
    self: "b",
    clock: realClock,
    selfIncarnation: () => 42,
    peerIncarnation: aIncarnation,
    peerSilentMs: () => null,
    disk,
    send: () => {},
  };
  return { device: new PoisonPillFence({ msgwaitMs: MSGWAIT, ctx }), disk };
}

const incarnationOf = (g: ReturnType<Pair["start"]>) => Number(g.find("start")?.incarnation ?? 0);

test("a running guard obeys a fresh pill at once; the fencer confirms only after msgwait", async () => {
  const a = pair.start("a");
  await pair.until(() => a.role === "ACTIVE", T.initdead + 5000, "a ACTIVE alone");
  const { device } = fencer(() => incarnationOf(a));
  const t0 = Date.now();
  const out = device.fence("a", "reset", AbortSignal.timeout(MSGWAIT + 3000));
  await a.proc.exited;
  const obeyedMs = Date.now() - t0;
  const r = await out;
  const confirmedMs = Date.now() - t0;
  assert.is(a.proc.exitCode, 3, "the host-mode self-fence exit code");
  const sf = a.find("self-fence");
  assert.ok(sf, a.describe());
  assert.match(sf!.message, /poison pill pending .*reset from b/);
  assert.ok(obeyedMs < MSGWAIT, `obeyed after ${obeyedMs} ms, inside msgwait ${MSGWAIT}`);
  assert.ok(r.confirmed, r.detail);
  assert.ok(confirmedMs >= MSGWAIT, `confirmed after ${confirmedMs} ms, not before msgwait`);
  console.log(`    pill obeyed in ${obeyedMs} ms; confirmed after ${confirmedMs} ms (msgwait ${MSGWAIT})`);
});

test("a guard that boots with a pill pending stays STANDBY alone, until the fencer sees its new boot and clears it", async () => {
  const oldIncarnation = 1; // the boot the pill was written for is gone; its incarnation was lower than any new one
  const a = pair.start("a");
  await pair.until(() => a.find("pill") !== undefined, 5000, "a: pill found at boot");
  const fencesBefore = pair.fenceCalls("a").length;
  await Bun.sleep(T.initdead + 1500);
  assert.is(a.role, "STANDBY", a.describe());
  assert.is(pair.fenceCalls("a").length, fencesBefore, "a blocked node never fences its peer");
  assert.is(a.find("self-fence"), undefined, "a pill found at boot blocks; it does not reset the node again");
  const { disk } = fencer(() => oldIncarnation);
  const inc = incarnationOf(a);
  const area = await DiskArea.open(disk.device, 0, { key: disk.key, clusterId: disk.clusterId });
  const pill = await area.readMailbox(0);
  await area.close();
  assert.ok(pill.kind === "ok" && pill.value.type === "reset");
  assert.is(
    await clearPillIfRebooted(disk, "b", pill.kind === "ok" ? pill.value.targetIncarnation : 0),
    null,
    "the same boot proves nothing",
  );
  assert.match(String(await clearPillIfRebooted(disk, "b", inc)), /cleared the reset pill/);
  await pair.until(() => a.find("pill-cleared") !== undefined, 3000, "a: pill cleared");
  await pair.until(() => a.role === "ACTIVE", T.initdead + 5000, "a ACTIVE once released");
  await a.stop();
});

test("a fenced node booting beside its fencer reads its pill before it announces its boot, then is released", async () => {
  const b = pair.start("b");
  await pair.until(() => b.role === "ACTIVE", T.initdead + 5000, "b ACTIVE alone");
  const { device } = fencer(() => 1);
  const r = await device.fence("a", "reset", AbortSignal.timeout(MSGWAIT + 3000));
  assert.ok(r.confirmed, r.detail);
  const a = pair.start("a");
  try {
    await pair.until(() => b.find("pill-cleared") !== undefined, 10000, "b cleared the pill on hearing a's new boot");
    await pair.until(() => a.find("pill-cleared") !== undefined, 5000, "a saw its pill cleared");
    assert.ok(a.find("pill"), `a found the pill at boot, before b could clear it:\n${a.describe()}\n${b.describe()}`);
    await Bun.sleep(1000);
    assert.is(a.role, "STANDBY", a.describe());
    assert.is(b.role, "ACTIVE");
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("disk clear removes a pending pill and says so; an unknown node is a usage error", async () => {
  const { device } = fencer(() => 0);
  const r = await device.fence("a", "off", AbortSignal.timeout(10));
  assert.is(r.confirmed, false, "aborted before msgwait: not a confirmation");
  const args = ["disk", "clear", "--config", pair.cfg, "--authkey", pair.key];
  const first = runExe([...args, "--node", "a"]);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /cleared a's mailbox \(slot 0; it held off from b\)/);
  const again = runExe([...args, "--node", "a"]);
  assert.match(again.stdout, /already clear/);
  const bad = runExe([...args, "--node", "zz"]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--node zz: expected one of a, b/);
});

test("a guard that cannot read its own mailbox never goes ACTIVE, not even when its peer releases the role; it says why", async () => {
  const b = pair.start("b");
  await pair.until(() => b.role === "ACTIVE", T.initdead + T.fenceDelay + 5000, "b ACTIVE alone");
  const fencesBefore = pair.fenceCalls("a").length;
  const a = pair.start("a", ["--disk-device", join(pair.dir, "no-such-disk.img")]);
  await pair.until(
    () => a.role === "STANDBY" && a.find("activation-blocked") !== undefined,
    5000,
    "a parked, its mailbox unreadable",
  );
  assert.match(a.find("activation-blocked")!.message, /own mailbox never read clean: .*no-such-disk\.img/);
  b.signal("SIGTERM");
  await b.proc.exited;
  await Bun.sleep(T.deadtime + 1500);
  assert.is(
    a.find("role", (e) => e.role === "ACTIVE"),
    undefined,
    a.describe(),
  );
  assert.is(a.role, "STANDBY");
  assert.ok(a.find("activation-refused"), "the refusal is logged");
  assert.match(String((await a.stats()).blocked), /own mailbox never read clean/, "the status data says why");
  assert.is(pair.fenceCalls("a").length, fencesBefore, "a blocked node never fences its peer");
  await a.stop();
});

/** Write a's heartbeat slot (slot 0) as boot `incarnation`, ACTIVE, showing a watchdog of `watchdogMs`. */
async function writeSlotOfA(incarnation: number, watchdogMs: number) {
  const { disk } = fencer(() => 0);
  const area = await DiskArea.open(disk.device, 0, { key: disk.key, clusterId: disk.clusterId });
  try {
    const at = Date.now();
    await area.writeSlot(0, { node: "a", incarnation, seq: 1, role: "ACTIVE", writtenAt: at, uptimeMs: 1, watchdogMs });
  } finally {
    await area.close();
  }
}

/** What a's mailbox (slot 0) holds now. */
async function aMailbox() {
  const { disk } = fencer(() => 0);
  const area = await DiskArea.open(disk.device, 0, { key: disk.key, clusterId: disk.clusterId });
  try {
    return await area.readMailbox(0);
  } finally {
    await area.close();
  }
}

/**
 * b fences a by pill; while b waits msgwait, a's agent is killed and started again with `again` (a never reads its
 * own mailbox: its disk path is wrong, so nothing but b touches the pill). Resolves once b's fence has finished.
 */
/**
 * b pill-fences a's agent, stopped; meanwhile a comes back: `again` are its arguments, `as` what comes back (its
 * agent restarted in the same boot, or a new boot's guard).
 */
async function pillFenceWhileAgentRestarts(again: string[], as: "agent" | "guard" = "agent") {
  const agentA = (more: string[], command: "agent" | "guard" = "agent") =>
    pair.start(
      "a",
      [
        "--disk-device",
        join(pair.dir, "no-such-disk.img"),
        ...(command === "agent"
          ? [
              "--handover-socket",
              join(pair.dir, "ho-a.sock"),
              "--handover-file",
              join(pair.dir, "ho-a.json"),
              "--management-socket",
              join(pair.dir, "mgmt-a.sock"),
            ]
          : []),
        ...more,
      ],
      command,
    );
  const b = pair.start("b", [], "guard", false);
  const a = agentA(["--run-dir", join(pair.dir, "run-a")]);
  let a2: ReturnType<typeof agentA> | null = null;
  const stop = async () => {
    await a.stop();
    await a2?.stop();
    await b.stop();
    runExe(["disk", "clear", "--config", pair.cfg, "--authkey", pair.key, "--node", "a"]);
  };
  try {
    await pair.until(
      () => a.find("start") !== undefined && b.role === "STANDBY",
      T.initdead + 5000,
      "a's agent ACTIVE, b STANDBY",
    );
    await Bun.sleep(5 * T.keepalive);
    // a's disk path is wrong, so a never writes its heartbeat slot: play the slot it would have written before its
    // disk link failed, with its watchdog armed; b counts a pill only against a boot shown armed (row 18.1).
    await writeSlotOfA(Number(a.find("start")!.incarnation), 1000);
    a.signal("SIGSTOP");
    const t0 = Date.now();
    for (;;) {
      const box = await aMailbox();
      if (box.kind === "ok" && box.value.type === "reset" && box.value.sender === "b") break;
      if (Date.now() - t0 > T.deadtime + T.fenceDelay + 5000) throw new Error(`b wrote no pill\n${pair.describe()}`);
      await Bun.sleep(20);
    }
    a.signal("SIGKILL");
    await a.proc.exited;
    a2 = agentA(again, as);
    await pair.until(() => b.find("fence-attempt") !== undefined, MSGWAIT + 8000, "b's pill fence finished");
    return {
      a,
      a2,
      b,
      inc: Number(a.find("start")!.incarnation),
      attempt: b.find("fence-attempt")!,
      box: await aMailbox(),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

test("pill fence in flight, the victim's agent restarted in the same boot without a snapshot: same incarnation, the pill is neither cleared nor taken for served", async () => {
  const r = await pillFenceWhileAgentRestarts(["--run-dir", join(pair.dir, "run-a")]);
  try {
    assert.is(
      Number(r.a2.find("start")?.incarnation),
      r.inc,
      `the restarted agent continues this boot's incarnation:\n${r.a2.describe()}`,
    );
    assert.is(r.b.find("pill-cleared"), undefined, `b never cleared its pill: a did not reboot\n${r.b.describe()}`);
    assert.ok(
      r.box.kind === "ok" && r.box.value.type === "reset" && r.box.value.sender === "b",
      `the pill is still in a's slot: ${JSON.stringify(r.box)}`,
    );
    if (r.attempt.confirmed)
      assert.match(
        r.attempt.message,
        /still there at the end/,
        "a confirmation only for a pill left in place all along",
      );
  } finally {
    await r.stop();
  }
});

test("pill fence in flight, the victim heard under a new incarnation: the pill stays until the fence has finished, then it is cleared", async () => {
  // a's next boot: its guard (BOOTING, outranked by nothing yet: it waits for b), as a rebooted machine comes back. An
  // agent "booted unguarded" announced ACTIVE instead, and b, going ACTIVE on its confirmation, reset itself as the
  // lower-ranked second ACTIVE before it could clear its pill, depending on which came first.
  const r = await pillFenceWhileAgentRestarts(["--run-dir", join(pair.dir, "run-a-next-boot")], "guard");
  try {
    assert.ok(Number(r.a2.find("start")?.incarnation) > r.inc, "a new boot's incarnation");
    const early = r.b.find("pill-cleared", (e) => e.seenAt < r.attempt.seenAt);
    assert.is(early, undefined, `no clearing while b's own pill fence was in flight\n${r.b.describe()}`);
    assert.is(r.attempt.confirmed, true, r.attempt.message);
    assert.match(r.attempt.message, /still there at the end/);
    await pair.until(
      () => r.b.find("pill-cleared") !== undefined,
      5000,
      "b clears the pill once its fence has finished",
    );
    assert.match(
      r.b.find("pill-cleared")!.message,
      new RegExp(`the peer came back as incarnation ${r.a2.find("start")!.incarnation}`),
    );
  } finally {
    await r.stop();
  }
});

test.run();
