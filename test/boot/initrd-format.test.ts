// How an initrd is compressed, read from its bytes: the compressors' magic numbers, after any uncompressed (early
// microcode) cpio archives and the zero padding after them; real archives made with cpio, gzip, zstd and xz.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileFormat, formatText, type ImageFormat, imageFormat } from "../../src/boot/initrd-format.ts";

const dir = mkdtempSync("/tmp/cg-format-");
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A newc archive of `files` (name -> content), as `cpio -o -H newc` writes it. */
function newc(files: Record<string, string>): Buffer {
  const tree = mkdtempSync(join(dir, "tree-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(tree, name, ".."), { recursive: true });
    writeFileSync(join(tree, name), content);
  }
  const r = Bun.spawnSync(["sh", "-c", `cd '${tree}' && find . | LC_ALL=C sort | cpio -o -H newc --quiet`]);
  assert.is(r.exitCode, 0, r.stderr.toString());
  return Buffer.from(r.stdout);
}

/** `bytes` through a compressor. */
function compress(cmd: string[], bytes: Buffer): Buffer {
  const r = Bun.spawnSync(cmd, { stdin: bytes });
  assert.is(r.exitCode, 0, r.stderr.toString());
  return Buffer.from(r.stdout);
}

const reader = (b: Buffer) => (offset: number, length: number) => b.subarray(offset, offset + length);
const MAIN = newc({ "etc/clusterguard/clusterguard.toml": "x".repeat(5000), init: "#!/bin/sh\n" });
// dracut's early archive: the flag file early_cpio and the microcode, odd sizes so the 4-byte padding matters.
const EARLY = newc({ early_cpio: "1\n", "kernel/x86/microcode/GenuineIntel.bin": "m".repeat(12_345) });

const zstd = compress(["zstd", "-q", "-3", "-c"], MAIN);
const xz = compress(["xz", "--check=crc32", "-c"], MAIN);
const gzip = compress(["gzip", "-n", "-c"], MAIN);

const cases: [string, Buffer, ImageFormat, number][] = [
  ["gzip", gzip, "gzip", 0],
  ["zstd", zstd, "zstd", 0],
  ["xz", xz, "xz", 0],
  ["an early microcode archive, then zstd (dracut)", Buffer.concat([EARLY, zstd]), "zstd", 1],
  ["an early archive padded with zeros, then xz", Buffer.concat([EARLY, Buffer.alloc(512), xz]), "xz", 1],
  ["two uncompressed archives, then gzip", Buffer.concat([EARLY, EARLY, gzip]), "gzip", 2],
  ["nothing compressed (dracut --no-compress)", MAIN, "cpio", 1],
  [
    "an early archive, then lz4 (legacy frame)",
    Buffer.concat([EARLY, Buffer.from([2, 0x21, 0x4c, 0x18, 0])]),
    "lz4",
    1,
  ],
  ["an early archive cut short", EARLY.subarray(0, 300), "unknown", 0],
  ["an empty file", Buffer.alloc(0), "unknown", 0],
  ["not an initrd", Buffer.from("#!/bin/sh\necho hello\n"), "unknown", 0],
];

for (const [name, bytes, format, early] of cases)
  test(`${name}: ${format}`, () => {
    const r = imageFormat(reader(bytes));
    assert.is(r.format, format);
    assert.is(r.early, early);
  });

test("the offset is where the compressed archive starts", () => {
  assert.is(imageFormat(reader(Buffer.concat([EARLY, Buffer.alloc(512), xz]))).offset, EARLY.length + 512);
});

test("fileFormat reads a file; formatText says it for messages", () => {
  const image = join(dir, "image");
  writeFileSync(image, Buffer.concat([EARLY, zstd]));
  const f = fileFormat(image);
  assert.equal(f, { format: "zstd", offset: EARLY.length, early: 1 });
  assert.is(formatText(f), "zstd-compressed (after 1 uncompressed early archive)");
  assert.is(formatText({ format: "gzip", offset: 0, early: 0 }), "gzip-compressed");
  assert.is(formatText({ format: "cpio", offset: 9, early: 1 }), "not compressed");
  assert.is(
    formatText({ format: "unknown", offset: 0, early: 0 }),
    "not an initrd: no cpio archive and no known compression at byte 0",
  );
});

test.run();
