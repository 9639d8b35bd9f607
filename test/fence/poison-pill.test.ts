// The poison pill's time limit follows the disk header's msgwait (what the victim armed for), not only the config's.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { DiskArea } from "../../src/disk/area.ts";
import { initDisk } from "../../src/disk/init.ts";
import type { DiskTimers } from "../../src/disk/header.ts";
import type { FenceContext } from "../../src/fence/device.ts";
import { pillMsgwait, clearPillIfRebooted, PoisonPillFence } from "../../src/fence/poison-pill.ts";
import { fenceBudget, levelLimit } from "../../src/fence/runner.ts";
import { AUTH, blankFile, CLUSTER, KEY, scratchDir } from "../disk/helpers.ts";
import { realClock } from "../../src/sys/clock.ts";

const HEADER: DiskTimers = { keepaliveMs: 200, deadtimeMs: 5000, msgwaitMs: 12000, watchdogTimeoutMs: 5000 };
const ctx = (o: Partial<FenceContext> = {}): FenceContext => ({
  self: "b",
  clock: realClock,
  selfIncarnation: () => 42,
  peerIncarnation: () => 7,
  peerSilentMs: () => null,
  disk: null,
  send: () => {},
  ...o,
});

test("a header msgwait more than 5 s above the config's still fits the level's limit and the core's fence budget", () => {
  const pill = new PoisonPillFence({ msgwaitMs: 5000, ctx: ctx({ diskTimers: HEADER }) });
  assert.ok(
    levelLimit(pill, 1000) >= HEADER.msgwaitMs + 1000,
    `limit ${levelLimit(pill, 1000)} ms covers the header's ${HEADER.msgwaitMs} ms wait`,
  );
  assert.ok(fenceBudget([pill], 1000) > levelLimit(pill, 1000));
  const unread = new PoisonPillFence({ msgwaitMs: 5000, ctx: ctx({ diskTimers: null }) });
  assert.is(unread.minTimeoutMs, 10000, "no header at start: sized from the config");
});

test("the wait is the longer msgwait, with a warning whenever config and header differ", () => {
  assert.equal(pillMsgwait(10000, { ...HEADER, msgwaitMs: 10000 }), { ms: 10000, warning: null });
  assert.equal(pillMsgwait(10000, null), { ms: 10000, warning: null });
  const more = pillMsgwait(5000, HEADER);
  assert.is(more.ms, 12000);
  assert.match(String(more.warning), /msgwait differs: config 5000 ms, disk header 12000 ms .*a pill waits 12000 ms/);
  assert.is(pillMsgwait(20000, HEADER).ms, 20000);
});

test("a header that grew after start is refused at once, before any pill is written (the runner would cut it short)", async () => {
  const s = scratchDir();
  try {
    const device = blankFile(join(s.dir, "disk.img"));
    const r = await initDisk({ device, clusterName: CLUSTER, key: KEY, timers: HEADER });
    assert.is(r.kind, "initialised");
    const disk = { device, offset: 0, key: KEY, clusterId: AUTH.clusterId, peerSlot: 0 };
    const pill = new PoisonPillFence({ msgwaitMs: 5000, ctx: ctx({ disk, diskTimers: null }) });
    const out = await pill.fence("a", "reset", AbortSignal.timeout(2000));
    assert.is(out.confirmed, false);
    assert.match(
      out.detail,
      /header's msgwait \(12000 ms\) exceeds the 5000 ms this level's time limit was sized for at start .*no pill written/,
    );
    const area = await DiskArea.open(device, 0, AUTH);
    const box = await area.readMailbox(0);
    await area.close();
    assert.ok(
      box.kind === "empty" || (box.kind === "ok" && box.value.type === "none"),
      `mailbox untouched: ${box.kind}`,
    );
  } finally {
    s.cleanup();
  }
});

const FAST: DiskTimers = { keepaliveMs: 100, deadtimeMs: 1000, msgwaitMs: 400, watchdogTimeoutMs: 200 };

/**
 * A disk file with an area, node a in slot 0, its heartbeat slot written by a's boot `slot.incarnation` (7) showing a
 * watchdog of `slot.watchdogMs` (200, msgwait / 2; null: a never wrote its slot); `fn` gets the fencer b's view of it.
 */
async function withDisk(
  fn: (disk: { device: string; offset: number; key: Uint8Array; clusterId: number; peerSlot: number }) => Promise<void>,
  slot: { incarnation: number; watchdogMs: number } | null = { incarnation: 7, watchdogMs: 200 },
): Promise<void> {
  const s = scratchDir();
  try {
    const device = blankFile(join(s.dir, "disk.img"));
    const r = await initDisk({ device, clusterName: CLUSTER, key: KEY, timers: FAST });
    assert.is(r.kind, "initialised");
    if (slot) {
      const area = await DiskArea.open(device, 0, AUTH);
      const at = Date.now();
      await area.writeSlot(0, { node: "a", role: "ACTIVE", seq: 3, writtenAt: at, uptimeMs: 9000, ...slot });
      await area.close();
    }
    await fn({ device, offset: 0, key: KEY, clusterId: AUTH.clusterId, peerSlot: 0 });
  } finally {
    s.cleanup();
  }
}

test("a pill cleared while msgwait runs (the victim came back under a new incarnation) confirms nothing, and says why", async () => {
  await withDisk(async (disk) => {
    const pill = new PoisonPillFence({
      msgwaitMs: 400,
      ctx: ctx({ disk, diskTimers: FAST, peerIncarnation: () => 7 }),
    });
    const out = pill.fence("a", "reset", AbortSignal.timeout(3000));
    await Bun.sleep(150);
    assert.match(
      String(await clearPillIfRebooted(disk, "b", 8)),
      /cleared the reset pill/,
      "the forced order: the victim is heard as incarnation 8 during msgwait",
    );
    const r = await out;
    assert.is(r.confirmed, false, r.detail);
    assert.match(
      r.detail,
      /after msgwait \(400 ms\) a's slot no longer holds this pill \(it holds none from b\): not confirmed/,
    );
  });
});

test("a pill replaced while msgwait runs confirms nothing; one left in place confirms", async () => {
  await withDisk(async (disk) => {
    const pill = new PoisonPillFence({ msgwaitMs: 400, ctx: ctx({ disk, diskTimers: FAST }) });
    const out = pill.fence("a", "reset", AbortSignal.timeout(3000));
    await Bun.sleep(150);
    const area = await DiskArea.open(disk.device, 0, AUTH);
    await area.writeMailbox(0, {
      type: "reset",
      sender: "b",
      senderIncarnation: 42,
      seq: 1,
      writtenAt: 1,
      targetIncarnation: 7,
    });
    await area.close();
    const r = await out;
    assert.is(r.confirmed, false, r.detail);
    assert.match(r.detail, /replaced by reset from b \(seq 1, ours was \d+\)/);
    const kept = await pill.fence("a", "reset", AbortSignal.timeout(3000));
    assert.is(kept.confirmed, true, kept.detail);
    assert.match(kept.detail, /still there at the end/);
  });
});

test("with the channel's open area, a pill is cleared though the device path is gone (after switch_root)", async () => {
  await withDisk(async (disk) => {
    const area = await DiskArea.open(disk.device, 0, AUTH);
    try {
      await area.writeMailbox(0, {
        type: "reset",
        sender: "b",
        senderIncarnation: 42,
        seq: 5,
        writtenAt: 5,
        targetIncarnation: 7,
      });
      renameSync(disk.device, `${disk.device}.moved`);
      const byPath = await clearPillIfRebooted(disk, "b", 8).then(String, (e: Error) => `threw: ${e.message}`);
      assert.match(byPath, /threw: .*disk\.img/, "by path alone the clear fails");
      assert.match(
        String(await clearPillIfRebooted({ ...disk, area: () => area }, "b", 8)),
        /cleared the reset pill from slot 0/,
      );
      const box = await area.readMailbox(0);
      assert.ok(
        box.kind === "ok" && box.value.type === "none",
        `cleared through the open descriptor: ${JSON.stringify(box)}`,
      );
    } finally {
      await area.close();
    }
  });
});

/** Fence a (its boot 7) by pill with msgwait 400 ms over a disk whose slot 0 holds `slot`: the outcome and a's mailbox. */
async function pillAgainst(slot: { incarnation: number; watchdogMs: number } | null) {
  let out = { confirmed: false, detail: "" };
  let mailbox = "";
  await withDisk(async (disk) => {
    const pill = new PoisonPillFence({
      msgwaitMs: 400,
      ctx: ctx({ disk, diskTimers: FAST, peerIncarnation: () => 7 }),
    });
    out = await pill.fence("a", "reset", AbortSignal.timeout(3000));
    const area = await DiskArea.open(disk.device, 0, AUTH);
    const box = await area.readMailbox(0);
    await area.close();
    mailbox = box.kind === "ok" ? box.value.type : box.kind;
  }, slot);
  return { ...out, mailbox };
}

test("a pill counts only against a boot whose slot shows a watchdog within msgwait / 2; otherwise none is written (row 18.1)", async () => {
  const armed = await pillAgainst({ incarnation: 7, watchdogMs: 200 });
  assert.is(armed.confirmed, true, armed.detail);
  assert.is(armed.mailbox, "reset");
  // Its config has no pill level for it (a rolling change: the fencer rebooted into the new initrd first).
  const none = await pillAgainst({ incarnation: 7, watchdogMs: 0 });
  assert.is(none.confirmed, false);
  assert.match(none.detail, /a's heartbeat slot \(boot 7\) shows no watchdog armed: .*: no pill written/);
  assert.is(none.mailbox, "empty", "nothing written: a pill that cannot count must not reset the node later either");
  const long = await pillAgainst({ incarnation: 7, watchdogMs: 1000 });
  assert.is(long.confirmed, false);
  assert.match(long.detail, /shows a 1000 ms watchdog: more than msgwait \/ 2 \(200 ms\)/);
  // The boot to fence never wrote its slot (its disk link was down): nothing shows that boot armed.
  const older = await pillAgainst({ incarnation: 6, watchdogMs: 200 });
  assert.is(older.confirmed, false);
  assert.match(older.detail, /a's boot 7 never wrote its heartbeat slot \(it holds boot 6\)/);
  const never = await pillAgainst(null);
  assert.is(never.confirmed, false);
  assert.match(never.detail, /a's heartbeat slot is unreadable \(empty\)/);
  // A later boot writes the slot: the boot to fence is over, and that boot (which obeys a pill found at its start) is
  // not the one the pill is for.
  const later = await pillAgainst({ incarnation: 8, watchdogMs: 0 });
  assert.is(later.confirmed, true, later.detail);
});

test.run();
