// The peer's boot loader reads the shared disk without replaying the journal (GRUB reads ext4 and XFS so). A guard
// initrd just put in place on the ACTIVE, fsynced and renamed, may exist only in the journal for up to ~30 s: the lab's
// web-apply saw the STANDBY, rebooted at once, boot the old image. Here a real ext4 on a loop device, mounted, gets a
// new image through installImage; debugfs, which reads the file system as a boot loader does (no journal replay),
// must see the new bytes once checkpoint() ran.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkpoint, installImage } from "../../src/boot/install-image.ts";

const dir = mkdtempSync("/tmp/cg-checkpoint-");
const img = join(dir, "boot.img");
const mnt = join(dir, "mnt");
const built = join(dir, "built.img");

function sh(cmd: string[]): string {
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** What a reader that ignores the journal finds at /NAME on the image. */
const seenByBootLoader = (name: string) =>
  Bun.spawnSync(["debugfs", "-R", `cat /${name}`, img], { stdout: "pipe", stderr: "pipe" }).stdout.toString();

test.before(() => {
  mkdirSync(mnt);
  sh(["truncate", "-s", "64M", img]);
  sh(["mkfs.ext4", "-q", "-F", "-L", "cgboot", img]);
  sh(["mount", "-o", "loop", img, mnt]);
});

test.after(() => {
  Bun.spawnSync(["umount", mnt]);
  rmSync(dir, { recursive: true, force: true });
});

test("a new guard initrd on a mounted ext4 is where a journal-ignoring boot loader reads it once checkpointed", async () => {
  const target = join(mnt, "initrd.img-6.1.0-57-amd64-clusterguard");
  writeFileSync(target, "OLD IMAGE\n");
  sh(["sync"]);
  assert.ok((await checkpoint(mnt)) === null);
  assert.is(seenByBootLoader("initrd.img-6.1.0-57-amd64-clusterguard"), "OLD IMAGE\n", "the old image, settled");
  const fresh = `NEW IMAGE ${randomBytes(8).toString("hex")}\n`;
  writeFileSync(built, fresh);
  const put = await installImage(built, target, "/boot/initrd.img-6.1.0-57-amd64-clusterguard");
  assert.ok(put.ok);
  // Without the checkpoint the fsynced rename is in the journal only: what a boot loader sees is not said here (a
  // busy machine's writeback may have written it already), only what it sees after it.
  assert.is(await checkpoint(mnt), null, "ext4 freezes and thaws");
  assert.is(seenByBootLoader("initrd.img-6.1.0-57-amd64-clusterguard"), fresh, "the boot loader reads the new image");
  writeFileSync(join(mnt, "still-writable"), "yes");
});

test("a file system with no journal (tmpfs) needs no checkpoint and gets none", async () => {
  const tmpfs = join(dir, "tmpfs");
  mkdirSync(tmpfs);
  sh(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", tmpfs]);
  try {
    assert.is(await checkpoint(tmpfs), null);
  } finally {
    sh(["umount", tmpfs]);
  }
});

test("an overlay (a container's root: no journal of its own, and it cannot be frozen) gets no checkpoint and no warning", async () => {
  const o = join(dir, "ovl");
  for (const d of ["lower", "upper", "work", "merged"]) mkdirSync(join(o, d), { recursive: true });
  const merged = join(o, "merged");
  sh(["mount", "-t", "overlay", "overlay", "-o", `lowerdir=${o}/lower,upperdir=${o}/upper,workdir=${o}/work`, merged]);
  try {
    assert.is(
      Bun.spawnSync(["fsfreeze", "--freeze", merged], { stderr: "pipe" }).exitCode,
      1,
      "overlayfs refuses a freeze",
    );
    assert.is(await checkpoint(merged), null);
  } finally {
    sh(["umount", merged]);
  }
});

test.run();
