import { test } from "uvu";
import * as assert from "uvu/assert";
import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { DiskArea } from "../../src/disk/area.ts";
import { makeHeader } from "../../src/disk/header.ts";
import { AREA_BYTES, BLOCK_SIZE } from "../../src/disk/block.ts";
import {
  AUTH,
  CLUSTER_ID,
  TIMERS,
  blankFile,
  sampleMailbox,
  sampleSlot,
  scratchDir,
  withLoopDevice,
} from "./helpers.ts";

/** Two DiskArea instances (two descriptors) on `device`: what one writes, the other reads at once. */
async function crossCheck(device: string, offset: number): Promise<void> {
  const a = await DiskArea.open(device, offset, AUTH);
  const b = await DiskArea.open(device, offset, AUTH);
  try {
    assert.is.not(a.fd, b.fd);
    const header = makeHeader(CLUSTER_ID, TIMERS, 1_700_000_000_000);
    await a.writeHeader(header);
    assert.equal(await b.readHeader(), { kind: "ok", value: header });
    for (let seq = 1; seq <= 20; seq++) {
      await a.writeSlot(0, sampleSlot({ seq }));
      assert.equal(
        await b.readSlot(0),
        { kind: "ok", value: sampleSlot({ seq }) },
        `seq ${seq} seen by the other instance`,
      );
    }
    await b.writeMailbox(0, sampleMailbox());
    assert.equal(await a.readMailbox(0), { kind: "ok", value: sampleMailbox() });
    assert.is((await a.readSlot(1)).kind, "empty");
    assert.is((await a.readMailbox(1)).kind, "empty");
  } finally {
    await a.close();
    await b.close();
  }
}

/** Mean and 99th percentile, in microseconds, of `n` slot write+read pairs. */
async function measurePair(device: string, n = 300): Promise<string> {
  const area = await DiskArea.open(device, 0, AUTH);
  try {
    const us: number[] = [];
    for (let seq = 0; seq < n; seq++) {
      const t0 = performance.now();
      await area.writeSlot(0, sampleSlot({ seq }));
      await area.readSlot(1);
      us.push((performance.now() - t0) * 1000);
    }
    us.sort((x, y) => x - y);
    const mean = us.reduce((s, x) => s + x, 0) / n;
    return `${area.mode}: mean ${mean.toFixed(0)} us, p50 ${us[Math.floor(n / 2)]?.toFixed(0)} us, p99 ${us[Math.floor(n * 0.99)]?.toFixed(0)} us over ${n} pairs`;
  } finally {
    await area.close();
  }
}

test("a slot written by one DiskArea is read by another DiskArea instance immediately (regular file)", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    await crossCheck(blankFile(join(dir, "area.img")), 0);
  } finally {
    cleanup();
  }
});

test("a slot written by one DiskArea is read by another DiskArea instance immediately (loop device)", async () => {
  await withLoopDevice((device) => crossCheck(device, 1024 * 1024));
});

test("an area at an offset touches only its own five blocks", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    const path = blankFile(join(dir, "area.img"), 64 * 1024);
    const offset = 2 * BLOCK_SIZE;
    const area = await DiskArea.open(path, offset, AUTH);
    try {
      for (let block = 0; block < 5; block++) await area.writeBlock(block, new Uint8Array(BLOCK_SIZE).fill(0xee));
    } finally {
      await area.close();
    }
    const all = new Uint8Array(64 * 1024);
    const fd = openSync(path, "r");
    readSync(fd, all, 0, all.length, 0);
    closeSync(fd);
    assert.ok(
      all.subarray(0, offset).every((b) => b === 0),
      "bytes before the area untouched",
    );
    assert.ok(
      all.subarray(offset, offset + AREA_BYTES).every((b) => b === 0xee),
      "the area written",
    );
    assert.ok(
      all.subarray(offset + AREA_BYTES).every((b) => b === 0),
      "bytes after the area untouched",
    );
  } finally {
    cleanup();
  }
});

test("bad offsets, slot indexes and block indexes are refused, saying what was expected", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    const path = blankFile(join(dir, "area.img"));
    const err = await DiskArea.open(path, 512, AUTH).catch((e: unknown) => e);
    assert.match(
      String(err),
      /RangeError: DiskArea\.open\(.*\): offset: expected a non-negative multiple of 4096 bytes, got 512/,
    );
    const area = await DiskArea.open(path, 0, AUTH);
    try {
      assert.match(String(await area.readSlot(2).catch((e: unknown) => e)), /slot: expected an integer 0\.\.1, got 2/);
      assert.match(
        String(await area.readBlock(5).catch((e: unknown) => e)),
        /area block: expected an integer 0\.\.4, got 5/,
      );
    } finally {
      await area.close();
    }
  } finally {
    cleanup();
  }
});

test("the cost of one slot write+read pair is measured (O_DIRECT, file and loop device)", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    console.log(`  slot write+read pair on a regular file, ${await measurePair(blankFile(join(dir, "area.img")))}`);
  } finally {
    cleanup();
  }
  await withLoopDevice(async (device) => {
    console.log(`  slot write+read pair on loop device ${device}, ${await measurePair(device)}`);
  });
});

test.run();
