// The kernel hooks never fail a kernel upgrade: each run for real, chrooted in a throwaway Debian 12 (the lab's base
// under an overlay) with the built executable, the dracut module and the hooks at their installed paths. Every
// problem is a warning and exit 0 (a failing regenerate's own message passed on: a /boot too full for the new image
// is one, its message tested in test/boot/initrd-compression.test.ts); a kernel removal removes that kernel's guard initrd and nothing else.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BASE } from "../../qemu/src/paths.ts";
import { EXE } from "../helpers/exe.ts";
import { OverlayRoot } from "../helpers/overlay-root.ts";

const REPO = resolve(import.meta.dir, "../..");
const KVER = readFileSync(join(BASE, "kernel-version"), "utf8").trim();
const POSTINST = "/etc/kernel/postinst.d/zz-clusterguard";
const POSTRM = "/etc/kernel/postrm.d/zz-clusterguard";
const PLUGIN = "/usr/lib/kernel/install.d/60-clusterguard.install";
const CONFIG = "/etc/clusterguard/clusterguard.toml";

const hooks: [string, string][] = [
  [join(REPO, "initrd/kernel/zz-clusterguard"), POSTINST],
  [join(REPO, "initrd/kernel/zz-clusterguard"), POSTRM],
  [join(REPO, "initrd/kernel/60-clusterguard.install"), PLUGIN],
  [join(REPO, "dracut-module/90clusterguard"), "/usr/lib/dracut/modules.d/90clusterguard"],
];
const installed: [string, string][] = [[EXE, "/usr/bin/clusterguard"], ...hooks];
const configured: [string, string][] = [...installed, [join(REPO, "test/fixtures/config/minimal.toml"), CONFIG]];

let sys: OverlayRoot;
test.before(() => {
  sys = new OverlayRoot();
});
test.after(() => sys?.dispose());

/** Run a hook (with the script's exit code on the last line of stdout). */
function hook(cmd: string, binds: [string, string][]) {
  const r = sys.run(`${cmd}; echo "rc=$?"`, binds);
  assert.is(r.code, 0, r.stderr);
  return { rc: /rc=(\d+)\s*$/.exec(r.stdout)?.[1], stdout: r.stdout, stderr: r.stderr };
}

test("not configured yet: the postinst hook and the kernel-install plugin warn and exit 0, building nothing", () => {
  for (const cmd of [`${POSTINST} ${KVER} /boot/vmlinuz-${KVER}`, `${PLUGIN} add ${KVER} /boot/vmlinuz-${KVER}`]) {
    const r = hook(cmd, installed);
    assert.is(r.rc, "0", cmd);
    assert.match(
      r.stderr,
      `clusterguard: warning: ${CONFIG} is missing (clusterguard is not configured yet); no guard initrd for kernel ${KVER}`,
    );
    assert.not.match(r.stderr, "initrd regenerate:", "regenerate was not run");
  }
});

test("no initrd builder installed: both warn and exit 0", () => {
  for (const cmd of [`${POSTINST} ${KVER}`, `${PLUGIN} add ${KVER} /boot/vmlinuz-${KVER}`]) {
    const r = hook(
      `mv /usr/bin/dracut /usr/bin/dracut.away; ${cmd}; rc=$?; mv /usr/bin/dracut.away /usr/bin/dracut; (exit $rc)`,
      configured,
    );
    assert.is(r.rc, "0", cmd);
    assert.match(
      r.stderr,
      `no initrd builder is installed (dracut or initramfs-tools); no guard initrd for kernel ${KVER}`,
    );
    assert.not.match(r.stderr, "initrd regenerate:");
  }
});

test("regenerate fails (no authkey): both show its error, warn, and exit 0", () => {
  for (const cmd of [`${POSTINST} ${KVER}`, `${PLUGIN} add ${KVER} /boot/vmlinuz-${KVER}`]) {
    const r = hook(cmd, configured);
    assert.is(r.rc, "0", cmd);
    assert.match(r.stderr, "clusterguard initrd regenerate: /etc/clusterguard/authkey is missing");
    assert.match(
      r.stderr,
      `clusterguard: warning: 'clusterguard initrd regenerate --kver ${KVER}' failed (its messages are above); no guard initrd for kernel ${KVER}`,
    );
  }
});

test("the hook passes the new kernel's version to regenerate", () => {
  const r = hook(`${POSTINST} 9.9.9-none /boot/vmlinuz-9.9.9-none`, configured);
  assert.is(r.rc, "0");
  assert.match(r.stderr, "clusterguard initrd regenerate: kernel 9.9.9-none is not installed in /");
});

test("a kernel removal removes that kernel's guard initrds, not the distro's initrd nor another kernel's", () => {
  const boot = (v: string) => `/boot/initrd.img-${v}-clusterguard /boot/initramfs-${v}-clusterguard.img`;
  for (const cmd of [`${POSTRM} ${KVER} /boot/vmlinuz-${KVER}`, `${PLUGIN} remove ${KVER}`]) {
    const r = hook(
      `touch ${boot(KVER)} ${boot("1.2.3")}; ${cmd}; rc=$?; ls /boot/*clusterguard* /boot/initrd.img-${KVER}; rm -f ${boot("1.2.3")}; (exit $rc)`,
      installed,
    );
    assert.is(r.rc, "0", cmd);
    assert.equal(r.stdout.trim().split("\n").slice(0, -1), [
      "/boot/initramfs-1.2.3-clusterguard.img",
      "/boot/initrd.img-1.2.3-clusterguard",
      `/boot/initrd.img-${KVER}`,
    ]);
    assert.is(r.stderr, "");
  }
});

test("the package removed, the hooks left behind (configuration files): they do nothing, silently", () => {
  for (const cmd of [`${POSTINST} ${KVER}`, `${POSTRM} ${KVER}`, `${PLUGIN} add ${KVER} /boot/vmlinuz-${KVER}`]) {
    const r = hook(cmd, [...hooks, [join(REPO, "test/fixtures/config/minimal.toml"), CONFIG]]);
    assert.is(r.rc, "0", cmd);
    assert.is(r.stderr, "", cmd);
  }
});

test.run();
