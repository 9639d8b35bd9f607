// The mount resource knows its own device: an ext4 on a loop device by number, by LABEL= through udev's links,
// and an image file mounted with -o loop through its backing file; a different file system on the target is not it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MountResource, type MountResourceOptions } from "../../src/agent/resources/mount.ts";
import { mountedAt } from "../../src/agent/resources/mountinfo.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-res-dev-"));
const signal = () => new AbortController().signal;
const run = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });
const mount = (o: Partial<MountResourceOptions> & { device: string; target: string }) =>
  new MountResource({ name: "data", fstype: "ext4", options: "defaults", timeoutMs: 10000, ...o });

/** An ext4 image with a label, attached to a loop device; or why that cannot be done here. */
function makeDisk(name: string, label: string): { image: string; loop: string } | string {
  const image = join(dir, `${name}.img`);
  const mk = run("sh", "-c", `truncate -s 16M '${image}' && mkfs.ext4 -q -F -L '${label}' '${image}'`);
  if (mk.status !== 0) return `mkfs.ext4: ${mk.stderr.trim()}`;
  const lo = run("losetup", "-f", "--show", image);
  return lo.status === 0 ? { image, loop: lo.stdout.trim() } : `losetup: ${lo.stderr.trim()}`;
}

const a = makeDisk("a", "data a");
const b = makeDisk("b", "other");
const skip = typeof a === "string" ? a : typeof b === "string" ? b : null;
if (skip !== null) console.log(`  (resources-mount-device: loop tests skipped: ${skip})`);
const real = (
  name: string,
  fn: (a: { image: string; loop: string }, b: { image: string; loop: string }) => Promise<void>,
) => test(name, async () => (typeof a === "string" || typeof b === "string" ? undefined : fn(a, b)));

real(
  "a block device is recognised by its number: up once, and another file system on the target is not it",
  async (a, b) => {
    const target = join(dir, "t1");
    const r = mount({ device: a.loop, target });
    const up = await r.up(signal());
    assert.ok(up.ok, up.detail);
    assert.match((await r.up(signal())).detail, new RegExp(`^${target} already mounted \\(${a.loop}, ext4\\)$`));
    assert.ok((await r.down(signal())).ok);
    assert.is(run("mount", b.loop, target).status, 0);
    try {
      const wrong = await r.up(signal());
      assert.is(wrong.ok, false, "the target is taken by another device: not already mounted");
      assert.is(
        wrong.detail,
        `${target} holds ${b.loop} (ext4); expected ${a.loop} or nothing there: unmount it first`,
      );
      assert.ok((await r.down(signal())).ok);
      assert.equal(mountedAt(target)?.source, b.loop, "someone else's mount is left alone");
    } finally {
      run("umount", target);
    }
  },
);

real(
  "LABEL= is found through /dev/disk/by-label (udev-escaped), and an unresolvable one refuses an occupied target",
  async (a) => {
    const disk = join(dir, "disk");
    mkdirSync(join(disk, "by-label"), { recursive: true });
    symlinkSync(a.loop, join(disk, "by-label", "data\\x20a"));
    const target = join(dir, "t2");
    const r = mount({ device: "LABEL=data a", target, diskDir: disk });
    assert.ok((await r.up(signal())).ok);
    assert.match((await r.up(signal())).detail, /already mounted/);
    const lost = mount({ device: "LABEL=gone", target, diskDir: disk });
    const up = await lost.up(signal());
    assert.is(up.ok, false);
    assert.match(up.detail, /cannot tell whether that is LABEL=gone: LABEL=gone: no .*by-label\/gone/);
    assert.ok((await r.down(signal())).ok);
    assert.is(mountedAt(target), null);
  },
);

real("an image file mounted with -o loop is recognised through the loop device's backing file", async (_a, b) => {
  const target = join(dir, "t3");
  const image = join(dir, "c.img");
  assert.is(run("sh", "-c", `truncate -s 16M '${image}' && mkfs.ext4 -q -F '${image}'`).status, 0);
  const r = mount({ device: image, target, options: "loop" });
  const up = await r.up(signal());
  assert.ok(up.ok, up.detail);
  assert.match((await r.up(signal())).detail, /already mounted \(\/dev\/loop\d+, ext4\)/);
  assert.ok((await r.down(signal())).ok);
  assert.is(run("mount", b.loop, target).status, 0);
  try {
    assert.is((await r.up(signal())).ok, false, "another loop device is not this image");
  } finally {
    run("umount", target);
  }
});

test.after(() => {
  for (const t of ["t1", "t2", "t3"])
    for (let i = 0; i < 4 && mountedAt(join(dir, t)) !== null; i++) run("umount", "-l", join(dir, t));
  for (const d of [a, b]) if (typeof d !== "string") run("losetup", "-d", d.loop);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
