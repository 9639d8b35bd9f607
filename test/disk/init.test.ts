import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiskArea } from "../../src/disk/area.ts";
import { describeArea } from "../../src/disk/describe.ts";
import { initDisk } from "../../src/disk/init.ts";
import type { InitOptions } from "../../src/disk/init.ts";
import { AUTH, CLUSTER, KEY, OTHER_KEY, TIMERS, blankFile, sampleMailbox, sampleSlot, scratchDir } from "./helpers.ts";

const NOW = 1_750_000_000_000;

/** Runs `fn` with a fresh blank 4 MiB file and initDisk options for it. */
async function withBlank(fn: (path: string, opts: InitOptions) => Promise<void>): Promise<void> {
  const { dir, cleanup } = scratchDir();
  try {
    const path = blankFile(join(dir, "shared.img"));
    await fn(path, { device: path, offset: 0, clusterName: CLUSTER, key: KEY, timers: TIMERS, now: () => NOW });
  } finally {
    cleanup();
  }
}

/** Writes slot 0 of node-a as if it beat `ageMs` before NOW. */
async function beatAgo(path: string, ageMs: number): Promise<void> {
  const area = await DiskArea.open(path, 0, AUTH);
  await area.writeSlot(0, sampleSlot({ writtenAt: NOW - ageMs }));
  await area.close();
}

test("init on a blank file writes this cluster's header and leaves slots and mailboxes empty", async () => {
  await withBlank(async (path, opts) => {
    const r = await initDisk(opts);
    assert.is(r.kind, "initialised");
    if (r.kind !== "initialised") return;
    assert.is(r.found, "blank");
    assert.is(r.mode, "direct");
    assert.is(r.overrode, undefined);
    assert.equal(r.header.timers, TIMERS);
    assert.is(r.header.createdAt, NOW);
    const area = await DiskArea.open(path, 0, AUTH);
    try {
      assert.equal(await area.readHeader(), { kind: "ok", value: r.header });
      for (const i of [0, 1]) {
        assert.is((await area.readSlot(i)).kind, "empty");
        assert.is((await area.readMailbox(i)).kind, "empty");
      }
    } finally {
      await area.close();
    }
  });
});

test("init refuses an area whose slot was written within 2 x deadtime, and says so", async () => {
  await withBlank(async (path, opts) => {
    await initDisk(opts);
    await beatAgo(path, 1200);
    const r = await initDisk(opts);
    assert.is(r.kind, "refused");
    if (r.kind === "refused") {
      assert.is(r.found, "own-cluster");
      assert.is(r.reason, `refusing to initialise ${path} at offset 0: node node-a's slot was written 1.2 s ago (a live cluster); stop both nodes or pass --force`);
    }
    const area = await DiskArea.open(path, 0, AUTH);
    assert.is((await area.readSlot(0)).kind, "ok", "nothing was written");
    await area.close();
  });
});

test("init re-initialises this cluster's area once every slot is older than 2 x deadtime, clearing a poison pill", async () => {
  await withBlank(async (path, opts) => {
    await initDisk(opts);
    await beatAgo(path, 2 * TIMERS.deadtimeMs + 1);
    const area = await DiskArea.open(path, 0, AUTH);
    await area.writeMailbox(0, sampleMailbox());
    await area.close();
    const r = await initDisk(opts);
    assert.is(r.kind, "initialised");
    if (r.kind === "initialised") assert.is(r.found, "own-cluster");
    const after = await DiskArea.open(path, 0, AUTH);
    assert.is((await after.readSlot(0)).kind, "empty");
    assert.is((await after.readMailbox(0)).kind, "empty");
    await after.close();
  });
});

test("init refuses another cluster's area, naming both cluster ids", async () => {
  await withBlank(async (_path, opts) => {
    await initDisk({ ...opts, clusterName: "other-cluster", key: OTHER_KEY });
    const r = await initDisk(opts);
    assert.is(r.kind, "refused");
    if (r.kind === "refused") {
      assert.is(r.found, "foreign-cluster");
      assert.match(r.reason, /belongs to another cluster \(cluster id 0x[0-9a-f]{8}, this cluster is 0x[0-9a-f]{8}\)/);
    }
  });
});

test("init refuses a header that does not authenticate, and data that is not a heartbeat area", async () => {
  await withBlank(async (path, opts) => {
    await initDisk({ ...opts, key: OTHER_KEY });
    const r = await initDisk(opts);
    assert.is(r.kind === "refused" && r.found, "untrusted-header");
    if (r.kind === "refused") assert.match(r.reason, /cannot be trusted \(header: the HMAC does not match this authkey/);
  });
  await withBlank(async (path, opts) => {
    writeFileSync(path, Buffer.from("\x53\xef... pretend this is a file system superblock"), { flag: "r+" });
    const r = await initDisk(opts);
    assert.is(r.kind === "refused" && r.found, "other-data");
    if (r.kind === "refused") assert.match(r.reason, /the area is not blank \(header: expected magic "CGDISK01", got 53 c3/);
  });
});

test("with force, init overwrites a live area and a foreign one, and says what it overrode", async () => {
  await withBlank(async (path, opts) => {
    await initDisk({ ...opts, clusterName: "other-cluster", key: OTHER_KEY });
    const lines: string[] = [];
    const r = await initDisk({ ...opts, force: true, log: (l) => lines.push(l) });
    assert.is(r.kind, "initialised");
    if (r.kind === "initialised") {
      assert.is(r.found, "foreign-cluster");
      assert.match(String(r.overrode), /belongs to another cluster/);
    }
    assert.match(lines.join("\n"), /--force given, overwriting anyway/);
    await beatAgo(path, 10);
    const again = await initDisk({ ...opts, force: true });
    assert.is(again.kind === "initialised" && again.found, "own-cluster");
    const area = await DiskArea.open(path, 0, AUTH);
    assert.is((await area.readSlot(0)).kind, "empty");
    await area.close();
  });
});

test("init refuses invalid options before touching the device", async () => {
  await withBlank(async (_path, opts) => {
    const why = (o: InitOptions): Promise<string> => initDisk(o).then((r) => `resolved ${r.kind}`, (e: unknown) => String(e));
    assert.match(await why({ ...opts, timers: { ...TIMERS, keepaliveMs: 0 } }), /RangeError: initDisk: timers\.keepaliveMs: expected an integer 1\.\.4294967295 ms, got 0/);
    assert.match(await why({ ...opts, clusterName: "" }), /RangeError: initDisk: clusterName: expected a non-empty string/);
    assert.match(await why({ ...opts, offset: 100 }), /RangeError: .*offset: expected a non-negative multiple of 4096 bytes, got 100/);
  });
});

test("describeArea prints the header, each slot and each mailbox", async () => {
  await withBlank(async (path, opts) => {
    await initDisk(opts);
    await beatAgo(path, 1500);
    const area = await DiskArea.open(path, 0, AUTH);
    try {
      await area.writeMailbox(1, sampleMailbox({ writtenAt: NOW - 3000 }));
      const text = await describeArea(area, NOW);
      console.log(text.replace(/^/gm, "  | "));
      const lines = text.split("\n");
      assert.is(lines.length, 6);
      assert.is(lines[0], `${path} at offset 0 (O_DIRECT)`);
      assert.match(lines[1] ?? "", /^header: cluster 0x[0-9a-f]{8}, layout 1, 2 slots of 4096 bytes, keepalive 200 ms, deadtime 5000 ms, msgwait 10000 ms, watchdog 5000 ms, created 2025-06-15T/);
      assert.match(lines[2] ?? "", /^slot 0 heartbeat: node node-a, ACTIVE, incarnation 1700000000000, seq 42, written 1\.5 s ago, uptime 98\.8 s$/);
      assert.is(lines[3], "slot 0 mailbox: empty");
      assert.is(lines[4], "slot 1 heartbeat: empty");
      assert.is(lines[5], "slot 1 mailbox: reset from node-b (incarnation 1700000000999, seq 7, for incarnation 1700000100000), written 3.0 s ago");
    } finally {
      await area.close();
    }
  });
});

test.run();
