import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { constants, mkdirSync, openSync, closeSync, readSync } from "node:fs";
import { join } from "node:path";
import { addressOf, alignedBuffer, BlockFile, DiskIoError } from "../../src/disk/io.ts";
import { BLOCK_SIZE } from "../../src/disk/block.ts";
import { blankFile, fdFlags, fsTypeOf, onTmpfs, scratchDir, withLoopDevice } from "./helpers.ts";

const pattern = (seed: number): Uint8Array => Uint8Array.from({ length: BLOCK_SIZE }, (_, i) => (i * 31 + seed) & 0xff);

/** Writes through one descriptor, reads through another, both O_DIRECT; returns the modes seen. */
async function writeOneReadOther(path: string): Promise<void> {
  const writer = await BlockFile.open(path);
  const reader = await BlockFile.open(path);
  try {
    for (const f of [writer, reader]) {
      assert.is(f.mode, "direct", `${path} opened with O_DIRECT`);
      assert.ok((fdFlags(f.fd) & constants.O_DIRECT) !== 0, `fdinfo of fd ${f.fd} shows O_DIRECT`);
      assert.ok((fdFlags(f.fd) & constants.O_SYNC) === constants.O_SYNC, `fdinfo of fd ${f.fd} shows O_SYNC`);
    }
    for (let round = 0; round < 5; round++) {
      const data = pattern(round);
      await writer.writeBlock(3 * BLOCK_SIZE, data);
      assert.equal(
        await reader.readBlock(3 * BLOCK_SIZE),
        data,
        `round ${round}: the other descriptor sees the write at once`,
      );
    }
  } finally {
    await writer.close();
    await reader.close();
  }
}

test("aligned buffers start at a 4096-aligned address and are zeroed", () => {
  for (let i = 0; i < 50; i++) {
    const b = alignedBuffer();
    assert.is(b.length, BLOCK_SIZE);
    assert.is(addressOf(b) % BLOCK_SIZE, 0);
    assert.ok(b.every((x) => x === 0));
  }
});

test("on a regular file on a real disk, a write through one O_DIRECT descriptor is read through another at once", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    assert.not.ok(onTmpfs(dir), `${dir} must not be tmpfs (it is ${fsTypeOf(dir)})`);
    console.log(`  (regular file on ${fsTypeOf(dir)}: ${dir})`);
    await writeOneReadOther(blankFile(join(dir, "area.img")));
  } finally {
    cleanup();
  }
});

test("on a loop device, a write through one O_DIRECT descriptor is read through another at once, and reaches the backing file", async () => {
  await withLoopDevice(async (device, backing) => {
    console.log(`  (loop device ${device} over ${backing})`);
    await writeOneReadOther(device);
    const fd = openSync(backing, "r");
    try {
      const onFile = new Uint8Array(BLOCK_SIZE);
      readSync(fd, onFile, 0, BLOCK_SIZE, 3 * BLOCK_SIZE);
      assert.equal(onFile, pattern(4), "the backing file holds the last block written through the device");
    } finally {
      closeSync(fd);
    }
  });
});

test("where the file system refuses O_DIRECT (ramfs), the file opens with O_SYNC + fadvise and says why", async () => {
  const { dir, cleanup } = scratchDir();
  const mnt = join(dir, "ramfs");
  mkdirSync(mnt);
  try {
    execFileSync("mount", ["-t", "ramfs", "ramfs", mnt]);
  } catch (error) {
    cleanup();
    console.log(`  (skipped: cannot mount ramfs: ${String(error).split("\n")[0]})`);
    return;
  }
  try {
    const path = blankFile(join(mnt, "area.img"), 64 * 1024);
    const lines: string[] = [];
    const a = await BlockFile.open(path, (l) => lines.push(l));
    const b = await BlockFile.open(path);
    try {
      assert.is(a.mode, "sync+fadvise");
      assert.is(fdFlags(a.fd) & constants.O_DIRECT, 0);
      assert.match(lines.join("\n"), /refuses O_DIRECT \(EINVAL\); using O_SYNC writes and posix_fadvise\(DONTNEED\)/);
      await a.writeBlock(BLOCK_SIZE, pattern(9));
      assert.equal(await b.readBlock(BLOCK_SIZE), pattern(9));
      assert.is(lines.length, 1, "fadvise worked: nothing more was logged");
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    execFileSync("umount", [mnt]);
    cleanup();
  }
});

test("reads past the end, unaligned positions and wrong sizes fail saying what was expected", async () => {
  const { dir, cleanup } = scratchDir();
  const f = await BlockFile.open(blankFile(join(dir, "small.img"), 2 * BLOCK_SIZE));
  try {
    const past = await f.readBlock(2 * BLOCK_SIZE).catch((e: unknown) => e);
    assert.instance(past, DiskIoError);
    assert.match(
      String((past as Error).message),
      /reading 4096 bytes at byte 8192 of .*small\.img failed: expected 4096 bytes, got 0/,
    );
    const unaligned = await f.readBlock(100).catch((e: unknown) => e);
    assert.match(String(unaligned), /RangeError: block position: expected a non-negative multiple of 4096, got 100/);
    const short = await f.writeBlock(0, new Uint8Array(10)).catch((e: unknown) => e);
    assert.match(String(short), /writeBlock: expected 4096 bytes of data, got 10/);
  } finally {
    await f.close();
    cleanup();
  }
});

test("directories, character devices and missing paths are refused with what was found", async () => {
  const { dir, cleanup } = scratchDir();
  try {
    const asDir = await BlockFile.open(dir).catch((e: unknown) => e);
    assert.instance(asDir, DiskIoError);
    assert.match(String((asDir as Error).message), /opening .* read-write with O_DIRECT\|O_SYNC failed: EISDIR/);
    const chr = await BlockFile.open("/dev/null").catch((e: unknown) => e);
    assert.match(String((chr as Error).message), /expected a block device or regular file, got a character device/);
    const missing = await BlockFile.open(join(dir, "nope")).catch((e: unknown) => e);
    assert.is((missing as DiskIoError).code, "ENOENT");
  } finally {
    cleanup();
  }
});

test.run();
