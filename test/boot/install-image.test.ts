// A built guard initrd goes in place only when its file system has room for it beside the old one, through a new file
// renamed over the old: on a real small tmpfs, an image that does not fit leaves the old one byte for byte and says
// how many bytes it needed and how many were free; one that fits replaces it, mode 0600, with no file left over.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bytesText, installImage, ROOM_MARGIN, roomFor } from "../../src/boot/install-image.ts";

const MiB = 2 ** 20;

test("roomFor: the image in whole blocks plus the margin, against the blocks free to ordinary writers", () => {
  const cases: [number, { bsize: number; bavail: number }, { needed: number; free: number; fits: boolean }][] = [
    [0, { bsize: 4096, bavail: 256 }, { needed: ROOM_MARGIN, free: MiB, fits: true }],
    [1, { bsize: 4096, bavail: 256 }, { needed: 4096 + ROOM_MARGIN, free: MiB, fits: false }],
    [74_072_328, { bsize: 4096, bavail: 20_000 }, { needed: 74_072_064 + 4096 + MiB, free: 81_920_000, fits: true }],
    [74_072_328, { bsize: 4096, bavail: 18_000 }, { needed: 75_124_736, free: 73_728_000, fits: false }],
    [96_516_100, { bsize: 1024, bavail: 95_000 }, { needed: 96_516_096 + 1024 + MiB, free: 97_280_000, fits: false }],
  ];
  for (const [size, fs, want] of cases) assert.equal(roomFor(size, fs), want, `${size} on ${JSON.stringify(fs)}`);
  assert.is(bytesText(74_072_328), "74072328 bytes (70.6 MiB)");
});

const dir = mkdtempSync("/tmp/cg-install-");
const boot = join(dir, "boot");
const target = join(boot, "initrd.img-6.1.0-57-amd64-clusterguard");
const OLD = randomBytes(64 * 1024);

test.before(() => {
  mkdirSync(boot);
  const m = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", boot], { stderr: "pipe" });
  if (m.exitCode !== 0) throw new Error(`mount tmpfs: ${m.stderr.toString()}`);
  writeFileSync(target, OLD, { mode: 0o600 });
});
test.after(() => {
  Bun.spawnSync(["umount", boot]);
  rmSync(dir, { recursive: true, force: true });
});

/** A new image of `bytes` random bytes, outside /boot. */
function built(bytes: number): string {
  const path = join(dir, `built-${bytes}`);
  writeFileSync(path, randomBytes(bytes), { mode: 0o600 });
  return path;
}

test("an image /boot has no room for: refused before writing, naming path, bytes needed and free; the old one stays", async () => {
  const r = await installImage(built(5 * MiB), target, "/boot/initrd.img-6.1.0-57-amd64-clusterguard");
  assert.is(r.ok, false);
  if (r.ok) return;
  const free = Number(/and (\d+) bytes/.exec(r.error)?.[1]);
  assert.ok(free > 0 && free < 4 * MiB, r.error);
  assert.match(
    r.error,
    new RegExp(
      `^not enough room for /boot/initrd\\.img-6\\.1\\.0-57-amd64-clusterguard: the new image needs ${5 * MiB + MiB} bytes \\(6\\.0 MiB\\) on the file system of /boot \\(its size and a 1 MiB margin\\), and ${free} bytes \\([\\d.]+ MiB\\) are free; nothing was written, the old image is unchanged\\.`,
    ),
  );
  assert.ok(readFileSync(target).equals(OLD), "the old image, byte for byte");
  assert.equal(readdirSync(boot), ["initrd.img-6.1.0-57-amd64-clusterguard"], "no file left over");
});

test("an image that fits replaces the old one through a rename: mode 0600, same bytes, no file left over", async () => {
  const from = built(MiB + 123);
  const r = await installImage(from, target, "/boot/x");
  assert.equal(r, { ok: true, bytes: MiB + 123 });
  assert.ok(readFileSync(target).equals(readFileSync(from)));
  assert.is(statSync(target).mode & 0o777, 0o600);
  assert.equal(readdirSync(boot), ["initrd.img-6.1.0-57-amd64-clusterguard"]);
});

test("a write that fails after the check (the target is a directory) leaves no temporary file", async () => {
  const blocked = join(boot, "blocked");
  mkdirSync(join(blocked, "inside"), { recursive: true });
  const r = await installImage(built(1000), blocked, "/boot/blocked");
  assert.is(r.ok, false);
  if (!r.ok) assert.match(r.error, /^could not write \/boot\/blocked: .*; the old image is unchanged/);
  assert.equal(readdirSync(boot).sort(), ["blocked", "initrd.img-6.1.0-57-amd64-clusterguard"]);
  rmSync(blocked, { recursive: true });
});

test("a /boot that does not exist is named", async () => {
  const r = await installImage(built(10), join(dir, "nowhere/initrd"), "/nowhere/initrd");
  assert.is(r.ok, false);
  if (!r.ok) assert.match(r.error, /^cannot write \/nowhere\/initrd: \/nowhere: /);
});

test.run();
