// `clusterguard initrd regenerate` with real initramfs-tools: a throwaway Debian 12 (the lab's base under an overlay)
// where initramfs-tools is the initrd builder (installed with apt-get, so this test needs the Debian mirror; dracut
// purged) and clusterguard is installed by `make install`, with an ipmi fence level. --kind auto picks
// initramfs-tools there; the image holds the guard byte for byte (unstripped), the config, the authkey at 0600, the
// local-premount script in init's list, ipmitool and the password file; they run from the unpacked image; the
// distro's initrd is untouched and an initrd built without the opt-in holds none of it; a missing piece is named. The
// image is built as a kernel upgrade builds it, by the postinst hook.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { BASE } from "../../qemu/src/paths.ts";
import { fileFormat } from "../../src/boot/initrd-format.ts";
import { EXE } from "../helpers/exe.ts";
import { BMC_PAIR_CONFIG } from "../helpers/ipmi-sim.ts";
import { OverlayRoot } from "../helpers/overlay-root.ts";

const REPO = resolve(import.meta.dir, "../..");
const KVER = readFileSync(join(BASE, "kernel-version"), "utf8").trim();
const IMAGE = `/boot/initrd.img-${KVER}-clusterguard`;
const DISTRO = `/boot/initrd.img-${KVER}`;
const UNPACKED = "/tmp/unpacked";

const CONFIG = BMC_PAIR_CONFIG;

// initramfs-tools in, dracut out, as the lab's initramfs-tools image has it (qemu/image/use-initramfs-tools.sh), with
// ipmitool. Then clusterguard as `make install` puts it, configured.
const SETUP = `set -e
sh /tmp/use-initramfs-tools.sh ipmitool
cp -a /staging/. /
cat > /etc/clusterguard/clusterguard.toml << 'EOF'
${CONFIG}EOF
echo secret > /etc/clusterguard/bmc.pw
chmod 0600 /etc/clusterguard/bmc.pw
clusterguard keygen --authkey /etc/clusterguard/authkey > /dev/null
`;

// For the builds whose kernel modules do not matter (the distro's initrd without the opt-in, the one a broken hook
// spoils): MODULES=list with an empty list, as an admin may set, so mkinitramfs copies no modules.
const FAST = "echo MODULES=list > /etc/initramfs-tools/conf.d/zz-test-no-modules";
const SLOW = "rm -f /etc/initramfs-tools/conf.d/zz-test-no-modules";

const staging = mkdtempSync("/var/tmp/cg-staging-");
let sys: OverlayRoot;

/** Run a script in the system, failing the test on a non-zero exit. */
function run(script: string, binds: [string, string][] = []): string {
  const r = sys.run(script, binds);
  assert.is(r.code, 0, `${script}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test.before(() => {
  const make = Bun.spawnSync(["make", "-s", "-C", REPO, "install", `DESTDIR=${staging}`], { stderr: "pipe" });
  if (make.exitCode !== 0) throw new Error(`make install: ${make.stderr.toString()}`);
  sys = new OverlayRoot();
  const r = sys.run(SETUP, [
    ["/etc/resolv.conf", "/etc/resolv.conf"],
    [staging, "/staging"],
    [join(REPO, "qemu/image/use-initramfs-tools.sh"), "/tmp/use-initramfs-tools.sh"],
  ]);
  if (r.code !== 0) throw new Error(`setting up initramfs-tools in the overlay failed:\n${r.stdout}\n${r.stderr}`);
});
test.after(() => {
  sys?.dispose();
  rmSync(staging, { recursive: true, force: true });
});

test("a kernel upgrade's postinst hook builds the guard initrd: --kind auto picks initramfs-tools, mkinitramfs beside the distro's initrd, verified", () => {
  // The hook is how the image is built on a real system (the image of every later test comes from it); it passes
  // regenerate's report on to stderr.
  const before = run(`sha256sum ${DISTRO}`);
  const t0 = performance.now();
  const hook = sys.run(
    `rm -f ${IMAGE}; /etc/kernel/postinst.d/zz-clusterguard ${KVER} /boot/vmlinuz-${KVER}; echo "rc=$?"; ls ${IMAGE}`,
  );
  const seconds = (performance.now() - t0) / 1000;
  assert.is(hook.code, 0, hook.stderr);
  assert.is(hook.stdout, `rc=0\n${IMAGE}\n`);
  assert.not.match(hook.stderr, "warning");
  const said = hook.stderr;
  assert.match(said, `built ${IMAGE} for kernel ${KVER} in `);
  assert.match(said, "(initramfs-tools initrd, ");
  assert.match(said, "builder: initramfs-tools (--kind auto: mkinitramfs is installed and dracut is not)");
  // The compression is regenerate's choice for this run (-c, -l), built in a scratch folder, then put in place.
  assert.match(said, `\ncompression: zstd -19 (CONFIG_RD_ZSTD=y in /boot/config-${KVER})\n`);
  assert.match(
    said,
    new RegExp(
      `\nmkinitramfs -c zstd -l 19 -o /var/tmp/clusterguard-initrd-\\w+/initrd\\.img-${KVER}-clusterguard ${KVER}\n`,
    ),
  );
  assert.match(said, "unstripped, config, authkey, local-premount script present");
  assert.match(said, "verified for the fence levels: /usr/bin/ipmitool (tool), /etc/clusterguard/bmc.pw (secret)");
  assert.is(run(`sha256sum ${DISTRO}`), before, "the distro's initrd is untouched");
  const [mode, size] = run(`stat -c '%a %s' ${IMAGE}`).trim().split(" ");
  assert.is(mode, "600", "the image, which holds the authkey, is readable by root only");
  assert.is(fileFormat(join(sys.dir, "upper", IMAGE)).format, "zstd", "zstd, by its magic number");
  assert.match(run("cat /etc/initramfs-tools/initramfs.conf"), /^COMPRESS=zstd$/m, "initramfs.conf is untouched");
  const build = / in ([\d.]+) s /.exec(said)?.[1];
  console.log(
    `  initramfs-tools guard initrd: mkinitramfs ${build} s, regenerate with verification ${seconds.toFixed(1)} s, ${(Number(size) / 2 ** 20).toFixed(1)} MiB, zstd -19`,
  );
});

test("unpacked, the image holds the guard unstripped, config, authkey 0600, the script in init's list, ipmitool", () => {
  const out = run(
    `rm -rf ${UNPACKED} && unmkinitramfs ${IMAGE} ${UNPACKED} && cd ${UNPACKED} &&
    sha256sum usr/lib/clusterguard/clusterguard | cut -d' ' -f1 &&
    stat -c '%a %n' etc/clusterguard/authkey etc/clusterguard/bmc.pw &&
    cmp etc/clusterguard/clusterguard.toml /etc/clusterguard/clusterguard.toml && echo config-same &&
    cat scripts/local-premount/ORDER && cmp scripts/local-premount/clusterguard /usr/share/initramfs-tools/scripts/local-premount/clusterguard && echo script-same`,
  );
  const host = Bun.spawnSync(["sha256sum", EXE]).stdout.toString().split(" ")[0];
  const lines = out.trim().split("\n");
  assert.is(lines[0], host, "byte-identical to dist/clusterguard: not stripped");
  assert.is(lines[1], "600 etc/clusterguard/authkey");
  assert.is(lines[2], "600 etc/clusterguard/bmc.pw");
  assert.ok(lines.includes("config-same"));
  assert.ok(lines.includes("script-same"));
  assert.match(out, '/scripts/local-premount/clusterguard "$@"', "init runs the script");
});

test("the guard, bash, ip, setsid and ipmitool run inside the unpacked image, with only its own libraries", () => {
  const out = run(
    `mkdir -p ${UNPACKED}/proc && mount -t proc proc ${UNPACKED}/proc && trap 'umount ${UNPACKED}/proc' EXIT &&
    chroot ${UNPACKED} /usr/lib/clusterguard/clusterguard version &&
    chroot ${UNPACKED} /bin/bash -c 'ip -V && setsid --version && sleep 0.01 && ipmitool -V'`,
  );
  assert.match(out, /^clusterguard \d+\.\d+\.\d+ \(bun /);
  assert.match(out, "ip utility");
  assert.match(out, "setsid from util-linux");
  assert.match(out, "ipmitool version");
});

test("an initrd built without the opt-in (the distro's own, update-initramfs) gets neither the guard nor the script", () => {
  const out = run(
    `ls /usr/share/initramfs-tools/hooks/clusterguard /usr/share/initramfs-tools/scripts/local-premount/clusterguard &&
    ${FAST} && mkinitramfs -o /tmp/plain.img ${KVER} 2> /dev/null; rc=$?; ${SLOW}; [ $rc = 0 ] &&
    echo "in image: $(lsinitramfs /tmp/plain.img | grep -c clusterguard)"`,
  );
  assert.match(out, "in image: 0");
});

test("an image that lacks a piece fails verification, naming each missing piece", () => {
  // A later hook that loses the authkey and ipmitool, as a broken or conflicting hook could.
  const drop = `mkdir -p /etc/initramfs-tools/hooks && printf '%s\\n' '#!/bin/sh' '[ "$1" = prereqs ] && exit 0' 'rm -f "$DESTDIR/etc/clusterguard/authkey" "$DESTDIR/usr/bin/ipmitool"' > /etc/initramfs-tools/hooks/zz-drop && chmod 0755 /etc/initramfs-tools/hooks/zz-drop`;
  const r = sys.run(
    `${drop} && ${FAST} && clusterguard initrd regenerate --kver ${KVER} --output /boot/broken.img; rc=$?; ${SLOW}; rm /etc/initramfs-tools/hooks/zz-drop; exit $rc`,
  );
  assert.is(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(
    r.stderr,
    "clusterguard initrd regenerate: the image was built but is not usable, so /boot/broken.img was not written:",
  );
  assert.match(r.stderr, "etc/clusterguard/authkey is missing from the new /boot/broken.img");
  assert.match(
    r.stderr,
    "/usr/bin/ipmitool, which fencing.level[0].type needs, is missing from the new /boot/broken.img",
  );
  assert.not.match(run("ls /boot"), "broken.img", "nothing was written");
  assert.not.match(r.stderr, "clusterguard/clusterguard", "the rest is there");
});

test.run();
