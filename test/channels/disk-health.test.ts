import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, rmdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiskChannel } from "../../src/channels/disk.ts";
import type { PeerSlot } from "../../src/channels/disk.ts";
import { blankFile, scratchDir, waitFor, withLoopDevice } from "../disk/helpers.ts";
import { channelOptions, initArea, recordingSink } from "./disk-helpers.ts";

const beat = (ch: DiskChannel, seq: number): Promise<boolean> =>
  ch.beat({ node: "node-a", incarnation: 1, seq, role: "ACTIVE" });

test("a deleted device file reports down, a directory in its place stays down, and the restored area reports up", async () => {
  const { dir, cleanup } = scratchDir();
  const path = blankFile(join(dir, "shared.img"));
  await initArea(path);
  const sink = recordingSink();
  const ch = new DiskChannel(channelOptions(path, 0, []));
  try {
    await ch.start(sink);
    assert.ok(await beat(ch, 1));
    rmSync(path);
    await waitFor(() => sink.events.length === 2, "down after the file was deleted");
    assert.equal(sink.events[1], { up: false, detail: `${path} vanished: ENOENT` });
    assert.not.ok(await beat(ch, 2), "no beat while down");
    for (let i = 0; i < 3; i++) await beat(ch, 2);
    const read = await ch.readOwnMailbox();
    assert.equal(
      read,
      { kind: "unavailable", detail: `disk down: ${path} vanished: ENOENT` },
      "failed beats never nest into the reason",
    );
    mkdirSync(path);
    await new Promise((r) => setTimeout(r, 200));
    assert.is(sink.events.length, 2, "still down, reported once, while retrying");
    assert.match(String(ch.stats().lastError), /EISDIR/);
    rmdirSync(path);
    blankFile(path);
    await initArea(path);
    await waitFor(() => sink.events.length === 3, "up once the area is back");
    assert.is(sink.events[2]?.up, true);
    assert.ok(await beat(ch, 3));
    assert.is(ch.stats().reopens, 1);
    assert.is(ch.stats().sendErrors, 4);
  } finally {
    await ch.stop();
    cleanup();
  }
});

test("a file replaced under the channel (same path, new inode) is reopened", async () => {
  const { dir, cleanup } = scratchDir();
  const path = blankFile(join(dir, "shared.img"));
  await initArea(path);
  const sink = recordingSink();
  const ch = new DiskChannel(channelOptions(path, 0, []));
  try {
    await ch.start(sink);
    const copy = join(dir, "copy.img");
    writeFileSync(copy, readFileSync(path));
    execFileSync("mv", [copy, path]);
    await waitFor(() => sink.events.length === 3, "down then up again");
    assert.match(sink.events[1]?.detail ?? "", /was replaced: expected file \d+:\d+, now file \d+:\d+/);
    assert.is(sink.events[2]?.up, true);
  } finally {
    await ch.stop();
    cleanup();
  }
});

test("a loop device whose disk goes away reports down, and up again when it is back", async () => {
  await withLoopDevice(async (device, backing) => {
    await initArea(device);
    const seen: PeerSlot[] = [];
    const sink = recordingSink();
    const a = new DiskChannel(channelOptions(device, 0, []));
    const b = new DiskChannel(channelOptions(device, 1, seen));
    try {
      await a.start(recordingSink());
      await b.start(sink);
      assert.ok(await beat(a, 1));
      await waitFor(() => seen.length === 1, "the first beat");
      const saved = readFileSync(backing);
      truncateSync(backing, 0);
      execFileSync("losetup", ["--set-capacity", device]); // the LUN shrinks to nothing: every read now fails
      await waitFor(() => sink.events.length === 2, "down when the device has no blocks");
      assert.is(sink.events[1]?.up, false);
      assert.match(
        sink.events[1]?.detail ?? "",
        new RegExp(
          `(reading|writing) 4096 bytes at byte \\d+ of ${device} failed: (expected 4096 bytes, got 0|ENOSPC|EIO)`,
        ),
      );
      assert.not.ok(await beat(a, 2), "the writer fails too");
      writeFileSync(backing, saved);
      execFileSync("losetup", ["--set-capacity", device]);
      await waitFor(() => sink.events.length === 3, "up when the device is back", 5000);
      assert.is(sink.events[2]?.up, true);
      await waitFor(() => a.stats().up, "the writer to reopen too", 5000);
      assert.ok(await beat(a, 3));
      await waitFor(() => seen.at(-1)?.seq === 3, "the beat after recovery");
      console.log(`  (down: ${sink.events[1]?.detail})`);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

test("detaching a loop device the channel holds open is deferred by the kernel: the channel keeps beating", async () => {
  await withLoopDevice(async (device) => {
    await initArea(device);
    const sink = recordingSink();
    const ch = new DiskChannel(channelOptions(device, 0, []));
    try {
      await ch.start(sink);
      execFileSync("losetup", ["-d", device]); // LOOP_CLR_FD on a busy device only sets autoclear
      assert.ok(await beat(ch, 1));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(
        sink.events.map((e) => e.up),
        [true],
      );
    } finally {
      await ch.stop();
    }
    assert.not.match(
      execFileSync("losetup", ["-a"]).toString(),
      new RegExp(`^${device}:`, "m"),
      "detached once closed",
    );
  });
});

test.run();
