// `clusterguard initrd regenerate` with real dracut in the lab's Debian 12 chroot (the cached base image).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { DebianRoot, sh } from "../helpers/debian-root.ts";
import { EXE, runExe } from "../helpers/exe.ts";

const REPO = resolve(import.meta.dir, "../..");
const debian = new DebianRoot();
const root = debian.path;

test.before(() => {
  debian.install();
  copyFileSync(join(REPO, "test/fixtures/config/minimal.toml"), join(root, "etc/clusterguard/clusterguard.toml"));
});
test.after(() => debian.remove());

test("without an authkey in the tree, regenerate stops before dracut and says what is missing", () => {
  const r = runExe(["initrd", "regenerate", "--root", root]);
  assert.is(r.code, 1);
  assert.match(
    r.stderr,
    /etc\/clusterguard\/authkey is missing: install \/etc\/clusterguard\/authkey \(clusterguard keygen\)/,
  );
});

test("an unknown kernel version is refused with the installed ones listed", () => {
  assert.is(runExe(["keygen", "--authkey", join(root, "etc/clusterguard/authkey")]).code, 0);
  const r = runExe(["initrd", "regenerate", "--root", root, "--kver", "9.9.9"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /kernel 9\.9\.9 is not installed in .* \(have: \d+\.\d+\.\d+-\d+-amd64\)/);
});

test("a shell initrd is built beside the distro's, with the module, the unstripped executable and its libraries", () => {
  const distro = sh(["bash", "-c", `ls ${root}/boot/initrd.img-*`])
    .trim()
    .split("\n")
    .find((f) => !f.endsWith("-clusterguard"))!;
  const before = statSync(distro).mtimeMs;
  const r = runExe(["initrd", "regenerate", "--root", root, "--kind", "shell"]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /built \/boot\/initrd\.img-.*-clusterguard for kernel .* \(shell initrd/);
  assert.is(statSync(distro).mtimeMs, before, "the distro's initrd is untouched");
  const image = r.stdout.match(/built (\S+)/)![1]!;
  const list = sh(["chroot", root, "lsinitrd", image]);
  for (const f of [
    "usr/lib/clusterguard/clusterguard",
    "usr/lib/clusterguard/guard-initrd.sh",
    "usr/lib/clusterguard/clusterguard-lib.sh",
    "etc/clusterguard/clusterguard.toml",
    "etc/clusterguard/authkey",
    "pre-mount/10-clusterguard-pre-mount.sh",
    "libpthread.so.0",
    "virtio_net.ko",
  ]) {
    assert.ok(list.includes(f), `${f} in the image`);
  }
  assert.match(list, /-rw------- .* etc\/clusterguard\/authkey/);
  const out = join(root, "extracted");
  sh([
    "bash",
    "-c",
    `chroot ${root} lsinitrd -f usr/lib/clusterguard/clusterguard ${image} > ${out} && chmod 0755 ${out}`,
  ]);
  assert.is(sh(["sha256sum", out]).split(" ")[0], sh(["sha256sum", EXE]).split(" ")[0], "byte-identical: not stripped");
  assert.match(
    sh([out, "version"]),
    /^clusterguard \d+\.\d+\.\d+ \(bun /,
    "the executable taken out of the initrd runs",
  );
});

test("regenerate refuses to write over the distro's default initrd", () => {
  const kver = sh(["ls", join(root, "lib/modules")]).trim();
  const r = runExe(["initrd", "regenerate", "--root", root, "--kind", "shell", "--output", `/boot/initrd.img-${kver}`]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /is the distro's default initrd/);
});

test.run();
