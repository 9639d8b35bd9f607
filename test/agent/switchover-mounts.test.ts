// The audit's case for real: a [[resource]] mount that is busy when the switchover releases it stays mounted.
// It must be frozen (writes block) before STOPPED lets the peer mount it; one that cannot be frozen (tmpfs)
// aborts the switchover, and the resources come back. The shared root's freeze is a fake (this host's root).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freezePath, thawPath } from "../../src/agent/freeze.ts";
import { MountResource } from "../../src/agent/resources/mount.ts";
import { mountedAt } from "../../src/agent/resources/mountinfo.ts";
import { ResourceSet } from "../../src/agent/resources/set.ts";
import { NO_SERVICES, withResources } from "../../src/agent/services.ts";
import { switchover } from "../../src/agent/switchover.ts";
import { busy } from "../helpers/busy.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-switch-"));
const run = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: "utf8" });
const image = join(dir, "shared.img");
const made = run("sh", "-c", `truncate -s 16M '${image}' && mkfs.ext4 -q -F '${image}'`).status === 0 ? run("losetup", "-f", "--show", image) : null;
const loop = made?.status === 0 ? made.stdout.trim() : null;
if (loop === null) console.log("  (switchover-mounts: no loop device here; the ext4 case is skipped)");

/** A switchover over real mount resources; the root freeze, the peer and the reboot are recorded fakes. */
function setup(resources: MountResource[]) {
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
    freezeMount: async (t: string) => (calls.push(`freeze ${t}`), freezePath(t)),
    thawMount: async (t: string) => (calls.push(`thaw ${t}`), thawPath(t)),
    freeze: async () => (calls.push("freeze /"), null),
    announceStopped: () => void calls.push("STOPPED"),
    peerActive: () => true,
    reboot: () => void calls.push("reboot"),
    log: () => {},
  };
  return { calls, set, steps };
}

test("a busy ext4 mount that does not unmount is frozen before STOPPED: nothing more reaches it", async () => {
  if (loop === null) return;
  const target = join(dir, "data");
  const data = new MountResource({ name: "data", device: loop, target, fstype: "ext4", options: "defaults", timeoutMs: 5000 });
  const { calls, set, steps } = setup([data]);
  assert.ok((await set.upAll()).ok);
  const r = await busy(target, () => switchover(steps));
  try {
    assert.ok(r.ok, r.detail);
    assert.equal(calls.slice(0, 3), [`freeze ${target}`, "freeze /", "STOPPED"]);
    assert.is(set.report()[0]?.state, "failed", "the release failed (busy)");
    assert.ok(mountedAt(target) !== null, "still mounted");
    const writer = Bun.spawn(["sh", "-c", `echo late > '${join(target, "late")}'`]);
    const ended = await Promise.race([writer.exited.then(() => true), Bun.sleep(400).then(() => false)]);
    assert.is(ended, false, "a write after STOPPED blocks on the frozen file system");
    assert.is(await thawPath(target), null);
    await writer.exited;
  } finally {
    await thawPath(target);
  }
  assert.ok(existsSync(join(target, "late")), "thawed, the write went through (cleanup)");
  assert.ok((await data.down(new AbortController().signal)).ok);
});

test("a busy mount that cannot be frozen (tmpfs) aborts: no STOPPED, the resource comes back up, still ACTIVE", async () => {
  const target = join(dir, "scratch");
  const scratch = new MountResource({ name: "scratch", device: "tmpfs", target, fstype: "tmpfs", options: "size=1m", timeoutMs: 5000 });
  const { calls, set, steps } = setup([scratch]);
  assert.ok((await set.upAll()).ok);
  const r = await busy(target, () => switchover(steps));
  assert.is(r.ok, false);
  assert.match(r.detail, new RegExp(`^1 of 1 resource\\(s\\) not released: scratch; ${target} is still mounted and fsfreeze --freeze ${target} failed \\(.*\\); not announcing STOPPED: services restarted, still ACTIVE$`));
  assert.equal(calls, [`freeze ${target}`, "resume"]);
  assert.is(set.report()[0]?.state, "up", "brought back up");
  assert.ok((await scratch.down(new AbortController().signal)).ok);
});

test.after(() => {
  for (const t of ["data", "scratch"]) {
    const target = join(dir, t);
    run("fsfreeze", "--unfreeze", target);
    for (let i = 0; i < 4 && mountedAt(target) !== null; i++) run("umount", "-l", target);
  }
  if (loop !== null) run("losetup", "-d", loop);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
