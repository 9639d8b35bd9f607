// The mount resource for real: a tmpfs on a temp dir (a space in its name), idempotent both ways; failures carry mount's words.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MountResource, type MountResourceOptions } from "../../src/agent/resources/mount.ts";
import { mountedAt } from "../../src/agent/resources/mountinfo.ts";
import { busy } from "../helpers/busy.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-res-mount-"));
const signal = () => new AbortController().signal;
const tmpfs = (o: Partial<MountResourceOptions> & { target: string }) =>
  new MountResource({
    name: `mount ${o.target}`,
    device: "tmpfs",
    fstype: "tmpfs",
    options: "size=1m",
    timeoutMs: 10000,
    ...o,
  });

/** How many mounts sit on `target` (as /proc/self/mountinfo spells it: a space is \040). */
const mounts = (target: string) =>
  spawnSync("findmnt", ["-n", "-o", "TARGET", "-M", target], { encoding: "utf8" }).stdout.split("\n").filter(Boolean)
    .length;

const probe = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
const skip = probe.status === 0 ? null : `cannot mount a tmpfs here: ${String(probe.stderr).trim()}`;
if (skip === null) spawnSync("umount", [dir]);
else console.log(`  (resources-mount: mount tests skipped: ${skip})`);
const real = (name: string, fn: () => Promise<void>) => test(name, async () => (skip === null ? fn() : undefined));

real("a tmpfs comes up once on a created mount point and goes away once", async () => {
  const target = join(dir, "created", "data dir");
  const r = tmpfs({ target });
  const up = await r.up(signal());
  assert.ok(up.ok, up.detail);
  assert.is(up.detail, `tmpfs mounted on ${target} (tmpfs, size=1m)`);
  assert.equal(mountedAt(target), { source: "tmpfs", fstype: "tmpfs" });
  writeFileSync(join(target, "x"), "on the tmpfs");
  const again = await r.up(signal());
  assert.ok(again.ok, again.detail);
  assert.is(again.detail, `${target} already mounted (tmpfs, tmpfs)`);
  assert.is(mounts(target), 1, "not mounted twice");
  assert.equal(r.state(), { name: `mount ${target}`, kind: "mount", state: "up", detail: again.detail });
  const down = await r.down(signal());
  assert.ok(down.ok, down.detail);
  assert.is(mountedAt(target), null);
  assert.not.ok(existsSync(join(target, "x")), "the file was on the tmpfs");
  const downAgain = await r.down(signal());
  assert.ok(downAgain.ok, downAgain.detail);
  assert.is(downAgain.detail, `${target} not mounted: nothing to release`);
  assert.is(r.state().state, "down");
});

real("a device that does not exist fails with mount's own message", async () => {
  const r = new MountResource({
    name: "data",
    device: "/dev/cg-does-not-exist",
    target: join(dir, "bad"),
    fstype: "ext4",
    options: "defaults",
    timeoutMs: 10000,
  });
  const up = await r.up(signal());
  assert.is(up.ok, false);
  assert.match(
    up.detail,
    /^mount -t ext4 -o defaults \/dev\/cg-does-not-exist .* failed \(exit 32\): mount: .*\/dev\/cg-does-not-exist/,
  );
  assert.equal(r.state(), { name: "data", kind: "mount", state: "failed", detail: up.detail });
});

real("a busy mount point fails down with umount's message, and releases once it is free", async () => {
  const target = join(dir, "busy");
  const r = tmpfs({ target });
  assert.ok((await r.up(signal())).ok);
  await busy(target, async () => {
    const down = await r.down(signal());
    assert.is(down.ok, false);
    assert.match(down.detail, /^umount .* failed \(exit 32\): umount: .*busy/);
    assert.is(r.state().state, "failed");
  });
  const down = await r.down(signal());
  assert.ok(down.ok, down.detail);
});

real(
  "something else mounted at the target is not taken for the resource: up refuses it, down leaves it alone",
  async () => {
    const target = join(dir, "taken");
    mkdirSync(target, { recursive: true });
    assert.is(spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "someone-else", target]).status, 0);
    const r = tmpfs({ target });
    const up = await r.up(signal());
    assert.is(up.ok, false);
    assert.is(up.detail, `${target} holds someone-else (tmpfs); expected tmpfs or nothing there: unmount it first`);
    const down = await r.down(signal());
    assert.ok(down.ok, down.detail);
    assert.is(down.detail, `${target} holds someone-else (tmpfs), not tmpfs: nothing of ours to release (left alone)`);
    assert.equal(mountedAt(target), { source: "someone-else", fstype: "tmpfs" });
    assert.equal(r.held(), { state: "free" }, "not ours: it holds nothing of this resource");
    spawnSync("umount", [target]);
  },
);

real(
  "after a release the resource says whether it still holds the target: free, held (busy), or stuck under another mount",
  async () => {
    const target = join(dir, "held");
    const r = tmpfs({ target });
    assert.ok((await r.up(signal())).ok);
    await busy(target, async () => {
      assert.is((await r.down(signal())).ok, false);
      assert.equal(r.held(), { state: "held", target, detail: `mount ${target}: tmpfs still mounted on ${target}` });
    });
    assert.is(spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "cover", target]).status, 0);
    const buried = await r.down(signal());
    assert.is(buried.ok, false);
    assert.is(buried.detail, `${target} holds cover (tmpfs), on top of tmpfs: unmount that first`);
    assert.equal(r.held(), {
      state: "stuck",
      detail: `mount ${target}: tmpfs is still mounted at ${target}, under cover: fsfreeze cannot reach it by the path`,
    });
    spawnSync("umount", [target]);
    assert.ok((await r.down(signal())).ok);
    assert.equal(r.held(), { state: "free" });
  },
);

real("a mount point that cannot be created is a failure that says why", async () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "");
  const up = await tmpfs({ target: join(file, "sub") }).up(signal());
  assert.is(up.ok, false);
  assert.match(up.detail, /^cannot create the mount point .*a-file\/sub: /);
});

test.after(() => {
  for (const sub of ["created/data dir", "busy", "bad", "taken", "held"]) {
    const target = join(dir, sub);
    for (let i = 0; i < 4 && mountedAt(target) !== null; i++) spawnSync("umount", ["-l", target]);
  }
  rmSync(dir, { recursive: true, force: true });
});

test.run();
