// `clusterguard bootloader` on prepared GRUB and BLS trees: idempotent install, exact round trip on remove.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExe } from "../helpers/exe.ts";
import { snapshot } from "../helpers/tree.ts";

const KVER = "6.1.0-28-amd64";

function grubTree(): string {
  const root = mkdtempSync(join(tmpdir(), "cg-grub-"));
  mkdirSync(join(root, "etc/grub.d"), { recursive: true });
  mkdirSync(join(root, "etc/default"), { recursive: true });
  mkdirSync(join(root, "boot"), { recursive: true });
  writeFileSync(join(root, "etc/grub.d/10_linux"), "#!/bin/sh\necho distro\n");
  chmodSync(join(root, "etc/grub.d/10_linux"), 0o755);
  writeFileSync(
    join(root, "etc/default/grub"),
    'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="console=ttyS0"\n',
  );
  for (const f of [`vmlinuz-${KVER}`, `initrd.img-${KVER}`, `initrd.img-${KVER}-clusterguard`])
    writeFileSync(join(root, "boot", f), f);
  return root;
}

function blsTree(): string {
  const root = mkdtempSync(join(tmpdir(), "cg-bls-"));
  mkdirSync(join(root, "boot/loader/entries"), { recursive: true });
  writeFileSync(
    join(root, "boot/loader/entries/0123abcd-6.5.6-300.fc39.x86_64.conf"),
    "title Fedora Linux (6.5.6-300.fc39.x86_64)\nversion 6.5.6-300.fc39.x86_64\nlinux /vmlinuz-6.5.6-300.fc39.x86_64\ninitrd /initramfs-6.5.6-300.fc39.x86_64.img\noptions root=UUID=1234 ro rhgb quiet\ngrub_users $grub_users\n",
  );
  writeFileSync(join(root, "boot/loader/loader.conf"), "timeout 3\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n");
  for (const f of [
    "initramfs-6.5.6-300.fc39.x86_64.img",
    "initramfs-6.5.6-300.fc39.x86_64-clusterguard.img",
    "vmlinuz-6.5.6-300.fc39.x86_64",
  ])
    writeFileSync(join(root, "boot", f), f);
  return root;
}

const run = (...args: string[]) => runExe(["bootloader", ...args]);

test("GRUB: install twice leaves one entry per node; remove restores the tree byte for byte", () => {
  const root = grubTree();
  const before = snapshot(root);
  for (let i = 0; i < 2; i++) {
    for (const n of ["a", "b"])
      assert.is(run("install", "--root", root, "--node", n, "--args", `rd.clusterguard.interface=eth1`).code, 0);
  }
  const list = run("list", "--root", root);
  assert.is(list.stdout.trim().split("\n").length, 2, list.stdout);
  assert.match(list.stdout, /clusterguard \(node a\)/);
  assert.is(run("remove", "--root", root).code, 0);
  assert.equal(snapshot(root), before);
});

test("GRUB: the grub.d script emits the entry with the default command line, the guard initrd and the node", () => {
  const root = grubTree();
  assert.is(
    run("install", "--root", root, "--node", "b", "--args", "rd.clusterguard.address=192.168.100.2/24").code,
    0,
  );
  const script = join(root, "etc/grub.d/45_clusterguard_b");
  const r = Bun.spawnSync(["sh", script], {
    env: {
      CG_BOOT_DIR: join(root, "boot"),
      GRUB_DEVICE_UUID: "feed-beef",
      GRUB_CMDLINE_LINUX: "console=ttyS0",
      GRUB_CMDLINE_LINUX_DEFAULT: "quiet",
      PATH: process.env.PATH ?? "",
    },
  });
  const out = r.stdout.toString();
  assert.is(r.exitCode, 0, r.stderr.toString());
  assert.match(out, /menuentry 'clusterguard \(node b\)'/);
  assert.match(
    out,
    new RegExp(
      `linux \\S*vmlinuz-${KVER} root=UUID=feed-beef ro console=ttyS0 quiet rd\\.clusterguard\\.node=b rd\\.clusterguard\\.address=192\\.168\\.100\\.2/24 printk\\.devkmsg=on`,
    ),
  );
  assert.match(out, new RegExp(`initrd \\S*initrd\\.img-${KVER}-clusterguard`));
});

test("GRUB: --no-update leaves grub.cfg alone; without it install says it found no update-grub", () => {
  const root = grubTree();
  mkdirSync(join(root, "boot/grub"));
  const skip = run("install", "--root", root, "--node", "a", "--no-update");
  assert.is(skip.code, 0, skip.stderr);
  assert.not.match(skip.stdout, /update-grub|grub\.cfg/);
  assert.match(run("install", "--root", root, "--node", "a").stdout, "update-grub not found: run it yourself");
});

test("GRUB: --set-default is refused unless GRUB_DEFAULT=saved, and the default stays untouched", () => {
  const root = grubTree();
  const r = run("install", "--root", root, "--node", "a", "--set-default");
  assert.is(r.code, 1);
  assert.match(r.stderr, /GRUB_DEFAULT=saved/);
  assert.is(readFileSync(join(root, "etc/default/grub"), "utf8").split("\n")[0], "GRUB_DEFAULT=0");
});

/**
 * A stand-in for bootctl on PATH, which records its arguments: the real one writes the NVRAM of the machine it runs
 * on and needs UEFI, which this test machine does not boot with. `fails` makes it answer as bootctl does there.
 */
function fakeBootctl(fails = false): { path: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), "cg-bootctl-"));
  const log = join(dir, "calls");
  writeFileSync(
    join(dir, "bootctl"),
    fails
      ? "#!/bin/sh\necho 'Not booted with EFI, cannot set EFI variables.' >&2\nexit 1\n"
      : `#!/bin/sh\necho "$*" >> '${log}'\n`,
  );
  chmodSync(join(dir, "bootctl"), 0o755);
  return { path: `${dir}:${process.env.PATH ?? "/usr/bin:/bin"}`, log };
}

test("BLS: the entry copies the default's kernel and options; remove restores the tree", () => {
  const root = blsTree();
  const before = snapshot(root);
  assert.is(run("install", "--root", root, "--node", "a").code, 0);
  assert.is(run("install", "--root", root, "--node", "a").code, 0);
  const entry = readFileSync(join(root, "boot/loader/entries/clusterguard-a.conf"), "utf8");
  assert.match(entry, /^title\s+clusterguard \(node a\)$/m);
  assert.match(entry, /^linux\s+\/vmlinuz-6\.5\.6-300\.fc39\.x86_64$/m);
  assert.match(entry, /^initrd\s+\/initramfs-6\.5\.6-300\.fc39\.x86_64-clusterguard\.img$/m);
  assert.match(entry, /^options\s+root=UUID=1234 ro rhgb quiet rd\.clusterguard\.node=a printk\.devkmsg=on$/m);
  assert.is(run("remove", "--root", root, "--node", "a").code, 0);
  assert.equal(snapshot(root), before);
});

test("BLS: --set-default sets THIS machine's NVRAM default with bootctl and never the shared loader.conf", () => {
  const root = blsTree();
  const before = snapshot(root);
  const bootctl = fakeBootctl();
  const env = { PATH: bootctl.path };
  for (let i = 0; i < 2; i++) {
    const r = runExe(["bootloader", "install", "--root", root, "--node", "a", "--set-default"], { env });
    assert.is(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /bootctl set-default clusterguard-a\.conf: THIS machine .* boots node a; nothing on the shared disk changed/,
    );
  }
  const once = runExe(["bootloader", "install", "--root", root, "--node", "b", "--once"], { env });
  assert.is(once.code, 0, once.stderr);
  assert.is(
    readFileSync(bootctl.log, "utf8"),
    "set-default clusterguard-a.conf\nset-default clusterguard-a.conf\nset-oneshot clusterguard-b.conf\n",
  );
  assert.is(
    readFileSync(join(root, "boot/loader/loader.conf"), "utf8"),
    "timeout 3\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n",
  );
  assert.is(runExe(["bootloader", "remove", "--root", root], { env }).code, 0);
  assert.equal(snapshot(root), before);
});

test("BLS: --set-default where bootctl cannot set the NVRAM fails and says what to run on which machine", () => {
  for (const path of [fakeBootctl(true).path, "/nonexistent"]) {
    const root = blsTree();
    const r = runExe(["bootloader", "install", "--root", root, "--node", "b", "--set-default"], {
      env: { PATH: path },
    });
    assert.is(r.code, 1);
    assert.match(r.stderr, /on the machine that boots as node b, run `bootctl set-default clusterguard-b\.conf`/);
    assert.match(r.stderr, path === "/nonexistent" ? /bootctl is not installed/ : /Not booted with EFI/);
    assert.ok(existsSync(join(root, "boot/loader/entries/clusterguard-b.conf")));
    assert.not.match(readFileSync(join(root, "boot/loader/loader.conf"), "utf8"), /clusterguard/);
  }
});

test("BLS: installing without a guard initrd fails and says how to build one", () => {
  const root = blsTree();
  Bun.spawnSync(["rm", join(root, "boot/initramfs-6.5.6-300.fc39.x86_64-clusterguard.img")]);
  const r = run("install", "--root", root, "--node", "a");
  assert.is(r.code, 1);
  assert.match(r.stderr, /clusterguard initrd regenerate --kver 6\.5\.6-300\.fc39\.x86_64/);
  assert.not.ok(existsSync(join(root, "boot/loader/entries/clusterguard-a.conf")));
});

test("bad node names and trees without a boot loader are refused", () => {
  assert.is(run("install", "--root", grubTree(), "--node", "a b").code, 1);
  const empty = mkdtempSync(join(tmpdir(), "cg-none-"));
  const r = run("list", "--root", empty);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no boot loader configuration found/);
});

test.run();
