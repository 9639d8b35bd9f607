// The switchover over real mounts: nothing on shared storage stays writable once STOPPED is announced. A second
// file system on the shared disk (as /boot next to the root) is frozen; a [[resource]] mount that is busy when the
// switchover releases it is frozen, or remounted read-only when it cannot be frozen (tmpfs); one that can be
// neither aborts the switchover, and the resources come back. The shared root's freeze is a fake (this host's root).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_MOUNTS } from "../../src/agent/freeze-plan.ts";
import { freezePath, remountPath, thawPath } from "../../src/sys/freeze.ts";
import { readMountFacts, type SharedDevice } from "../../src/agent/mount-facts.ts";
import { MountResource } from "../../src/agent/resources/mount.ts";
import { mountedAt } from "../../src/agent/resources/mountinfo.ts";
import { ResourceSet } from "../../src/agent/resources/set.ts";
import { NO_SERVICES, withResources } from "../../src/agent/services.ts";
import { switchover } from "../../src/agent/switchover.ts";
import { busy } from "../helpers/busy.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-switch-"));
const run = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });
const image = join(dir, "shared.img");
const made =
  run("sh", "-c", `truncate -s 16M '${image}' && mkfs.ext4 -q -F '${image}'`).status === 0
    ? run("losetup", "-f", "--show", image)
    : null;
const loop = made?.status === 0 ? made.stdout.trim() : null;
if (loop === null) console.log("  (switchover-mounts: no loop device here; the ext4 cases are skipped)");

/** A shared disk with two ext4 partitions on a loop device: 1 holds the heartbeat area, 2 is mounted as /boot. */
function partitionedDisk(): { disk: string; p1: string; p2: string } | null {
  const file = join(dir, "disk.img");
  const table = "label: gpt\nsize=8MiB\nsize=16MiB\n";
  if (run("sh", "-c", `truncate -s 32M '${file}' && printf '${table}' | sfdisk --quiet '${file}'`).status !== 0)
    return null;
  const l = run("losetup", "-P", "-f", "--show", file);
  if (l.status !== 0) return null;
  const disk = l.stdout.trim();
  // Some kernels leave the partition scan to user space.
  if (!existsSync(`${disk}p2`)) run("partx", "-a", disk);
  for (let i = 0; i < 20 && !existsSync(`${disk}p2`); i++) Bun.sleepSync(50);
  if (!existsSync(`${disk}p2`) || run("mkfs.ext4", "-q", "-F", `${disk}p2`).status !== 0) {
    run("losetup", "-d", disk);
    return null;
  }
  return { disk, p1: `${disk}p1`, p2: `${disk}p2` };
}
const parts = loop === null ? null : partitionedDisk();
if (loop !== null && parts === null)
  console.log("  (switchover-mounts: no partitioned loop device here; the /boot case is skipped)");

/** A switchover over real mounts; the root freeze, the peer and the reboot are recorded fakes. */
function setup(resources: MountResource[], shared: SharedDevice[] = []) {
  const calls: string[] = [];
  const set = new ResourceSet(resources, () => {});
  const side = withResources(NO_SERVICES, set);
  const steps = {
    peerNotReady: () => null,
    stopServices: () => side.stopAll(),
    resumeServices: async () => {
      calls.push("resume");
      await set.upAll();
    },
    mountFacts: () => (shared.length > 0 ? readMountFacts(shared, false) : NO_MOUNTS),
    freezeMount: async (t: string) => (calls.push(`freeze ${t}`), freezePath(t)),
    thawMount: async (t: string) => (calls.push(`thaw ${t}`), thawPath(t)),
    remountReadOnly: async (t: string) => (calls.push(`ro ${t}`), remountPath(t, "ro")),
    remountWritable: async (t: string) => (calls.push(`rw ${t}`), remountPath(t, "rw")),
    freeze: async () => (calls.push("freeze /"), null),
    announceStopped: () => (calls.push("STOPPED"), null),
    peerActive: () => true,
    reboot: () => void calls.push("reboot"),
    log: () => {},
  };
  return { calls, set, steps };
}

/** Start a write into `file`; true when it is still blocked after 400 ms (the file system is frozen). */
async function writeBlocks(file: string): Promise<{ blocked: boolean; done: Promise<number> }> {
  const writer = Bun.spawn(["sh", "-c", `echo late > '${file}'`]);
  const blocked = await Promise.race([writer.exited.then(() => false), Bun.sleep(400).then(() => true)]);
  return { blocked, done: writer.exited };
}

test("a second file system on the shared disk (/boot on its other partition) is frozen before STOPPED: nothing more reaches it", async () => {
  if (parts === null) return;
  const boot = join(dir, "boot");
  mkdirSync(boot, { recursive: true });
  assert.is(run("mount", "-t", "ext4", parts.p2, boot).status, 0);
  try {
    const { calls, steps } = setup([], [{ device: parts.p1, what: "the heartbeat area" }]);
    const r = await switchover(steps);
    assert.ok(r.ok, r.detail);
    assert.equal(
      calls.slice(0, 3),
      [`freeze ${boot}`, "freeze /", "STOPPED"],
      "the shared disk's /boot frozen before the root, and both before STOPPED",
    );
    assert.match(r.detail, new RegExp(`^shared root frozen \\(and ${boot} frozen\\) and STOPPED announced`));
    const w = await writeBlocks(join(boot, "late"));
    assert.ok(w.blocked, "a write to /boot after STOPPED blocks on the frozen file system");
    assert.is(await thawPath(boot), null);
    await w.done;
    assert.ok(existsSync(join(boot, "late")), "thawed, the write went through (cleanup)");
  } finally {
    run("fsfreeze", "--unfreeze", boot);
    run("umount", boot);
  }
});

test("a file system on another disk is left alone: only the shared disk's are frozen", async () => {
  if (parts === null || loop === null) return;
  const boot = join(dir, "boot");
  const other = join(dir, "other");
  mkdirSync(boot, { recursive: true });
  mkdirSync(other, { recursive: true });
  assert.is(run("mount", "-t", "ext4", parts.p2, boot).status, 0);
  assert.is(run("mount", "-t", "ext4", loop, other).status, 0);
  try {
    const { calls, steps } = setup([], [{ device: parts.p1, what: "the heartbeat area" }]);
    assert.ok((await switchover(steps)).ok);
    assert.equal(calls.slice(0, 3), [`freeze ${boot}`, "freeze /", "STOPPED"]);
    const w = await writeBlocks(join(other, "still-writable"));
    assert.is(w.blocked, false, "the other disk's file system stays writable");
  } finally {
    run("fsfreeze", "--unfreeze", boot);
    run("umount", boot);
    run("umount", other);
  }
});

test("a busy ext4 mount that does not unmount is frozen before STOPPED: nothing more reaches it", async () => {
  if (loop === null) return;
  const target = join(dir, "data");
  const data = new MountResource({
    name: "data",
    device: loop,
    target,
    fstype: "ext4",
    options: "defaults",
    timeoutMs: 5000,
  });
  const { calls, set, steps } = setup([data]);
  assert.ok((await set.upAll()).ok);
  const r = await busy(target, () => switchover(steps));
  try {
    assert.ok(r.ok, r.detail);
    assert.equal(calls.slice(0, 3), [`freeze ${target}`, "freeze /", "STOPPED"]);
    assert.is(set.report()[0]?.state, "failed", "the release failed (busy)");
    assert.ok(mountedAt(target) !== null, "still mounted");
    const w = await writeBlocks(join(target, "late"));
    assert.ok(w.blocked, "a write after STOPPED blocks on the frozen file system");
    assert.is(await thawPath(target), null);
    await w.done;
  } finally {
    await thawPath(target);
  }
  assert.ok(existsSync(join(target, "late")), "thawed, the write went through (cleanup)");
  assert.ok((await data.down(new AbortController().signal)).ok);
});

test("a busy mount that cannot be frozen (tmpfs) is remounted read-only before STOPPED: writes fail", async () => {
  const target = join(dir, "scratch");
  const scratch = new MountResource({
    name: "scratch",
    device: "tmpfs",
    target,
    fstype: "tmpfs",
    options: "size=1m",
    timeoutMs: 5000,
  });
  const { calls, set, steps } = setup([scratch]);
  assert.ok((await set.upAll()).ok);
  const r = await busy(target, () => switchover(steps));
  assert.ok(r.ok, r.detail);
  assert.equal(calls.slice(0, 4), [`freeze ${target}`, `ro ${target}`, "freeze /", "STOPPED"]);
  assert.match(r.detail, new RegExp(`^shared root frozen \\(and ${target} remounted read-only\\) and STOPPED`));
  const w = run("sh", "-c", `echo late > '${target}/late'`);
  assert.is.not(w.status, 0, "a write after STOPPED fails");
  assert.match(w.stderr, /Read-only file system/);
  assert.ok((await scratch.down(new AbortController().signal)).ok);
});

test("a busy mount that can be neither frozen nor remounted read-only aborts: no STOPPED, the resource comes back up, still ACTIVE", async () => {
  const target = join(dir, "scratch");
  const scratch = new MountResource({
    name: "scratch",
    device: "tmpfs",
    target,
    fstype: "tmpfs",
    options: "size=1m",
    timeoutMs: 5000,
  });
  const { calls, set, steps } = setup([scratch]);
  assert.ok((await set.upAll()).ok);
  const r = await busy(target, () => switchover(steps), "open-for-writing");
  assert.is(r.ok, false, r.detail);
  assert.match(
    r.detail,
    new RegExp(
      `^1 of 1 resource\\(s\\) not released: scratch; scratch: tmpfs still mounted on ${target}: could be neither frozen \\(fsfreeze --freeze ${target} failed \\(.*\\)\\) nor remounted read-only \\(mount -o remount,ro ${target} failed \\(.*\\)\\); not announcing STOPPED: services restarted, still ACTIVE$`,
    ),
  );
  assert.equal(calls, [`freeze ${target}`, `ro ${target}`, "resume"]);
  assert.is(set.report()[0]?.state, "up", "brought back up");
  assert.ok((await scratch.down(new AbortController().signal)).ok);
});

test.after(() => {
  for (const t of ["data", "scratch", "boot", "other"]) {
    const target = join(dir, t);
    run("fsfreeze", "--unfreeze", target);
    for (let i = 0; i < 4 && mountedAt(target) !== null; i++) run("umount", "-l", target);
  }
  if (loop !== null) run("losetup", "-d", loop);
  if (parts !== null) run("losetup", "-d", parts.disk);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
