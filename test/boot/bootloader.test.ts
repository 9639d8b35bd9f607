// `clusterguard bootloader` on prepared GRUB and BLS trees: idempotent install, exact round trip on remove.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExe } from "../helpers/exe.ts";
import { snapshot } from "../helpers/tree.ts";

const KVER = "6.1.0-28-amd64";
/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-bootloader-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function grubTree(): string {
  const root = mkdtempSync(join(tmp, "grub-"));
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
  const root = mkdtempSync(join(tmp, "bls-"));
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

const UUID_A = "4c4c4544-0042-3510-8048-b4c04f4e3232";
const SELECT = "etc/grub.d/46_clusterguard_select";

test("GRUB --match: a then b make one selection snippet; installing twice = once; remove restores the tree", () => {
  const root = grubTree();
  const before = snapshot(root);
  const installBoth = () => {
    const a = run("install", "--root", root, "--node", "a", "--match", `smbios-uuid=${UUID_A.toUpperCase()}`);
    assert.is(a.code, 0, a.stderr);
    assert.match(a.stdout, `a machine whose SMBIOS UUID is ${UUID_A} boots node a`);
    assert.is(run("install", "--root", root, "--node", "b", "--match", "smbios-serial=CZJ 1234").code, 0);
  };
  installBoth();
  const once = snapshot(root);
  installBoth();
  assert.equal(snapshot(root), once);
  const snippet = Bun.spawnSync(["sh", join(root, SELECT)]).stdout.toString();
  assert.match(snippet, `if [ "\${cg_uuid}" = '${UUID_A}' ]; then`);
  assert.match(snippet, `if [ "\${cg_serial}" = 'CZJ 1234' ]; then`);
  const list = run("list", "--root", root).stdout;
  assert.is(
    list,
    `grub: clusterguard (node a), id clusterguard-a, match smbios-uuid=${UUID_A}\ngrub: clusterguard (node b), id clusterguard-b, match smbios-serial=CZJ 1234\n`,
  );
  assert.is(run("remove", "--root", root, "--node", "a").code, 0);
  assert.is(
    run("list", "--root", root).stdout,
    "grub: clusterguard (node b), id clusterguard-b, match smbios-serial=CZJ 1234\n",
  );
  assert.not.match(readFileSync(join(root, SELECT), "utf8"), UUID_A);
  assert.is(run("remove", "--root", root).code, 0);
  assert.equal(snapshot(root), before);
});

test("GRUB: installing again without --match keeps the node's recorded match", () => {
  const root = grubTree();
  assert.is(run("install", "--root", root, "--node", "a", "--match", `smbios-uuid=${UUID_A}`).code, 0);
  const r = run("install", "--root", root, "--node", "a", "--args", "rd.clusterguard.interface=eth1");
  assert.is(r.code, 0);
  assert.match(r.stdout, "kept the match recorded in");
  assert.match(run("list", "--root", root).stdout, `match smbios-uuid=${UUID_A}`);
  assert.match(run("install", "--root", root, "--node", "b").stdout, "no --match for node b");
  assert.match(run("list", "--root", root).stdout, "(node b), id clusterguard-b, no match");
});

test("GRUB: a bad --match exits 2 naming the flag, the value and what was expected, and changes nothing", () => {
  const root = grubTree();
  assert.is(run("install", "--root", root, "--node", "a", "--match", `smbios-uuid=${UUID_A}`).code, 0);
  const before = snapshot(root);
  for (const [value, expected] of [
    [
      "smbios-uuid=4c4c4544-0042",
      /--match "smbios-uuid=4c4c4544-0042": expected smbios-uuid=UUID, 8-4-4-4-12 hexadecimal digits/,
    ],
    [
      `uuid=${UUID_A}`,
      /--match "uuid=4c4c.*": expected smbios-uuid=UUID \(cat \/sys\/class\/dmi\/id\/product_uuid\) or smbios-serial=SERIAL/,
    ],
    [
      "mac=52:54:00:12:34:56",
      /--match "mac=52:54:00:12:34:56": GRUB cannot match a MAC address: .*efinet.*pxe.*Expected smbios-uuid=UUID/,
    ],
    ["smbios-serial=   ", /--match "smbios-serial=   ": expected smbios-serial=SERIAL with a serial that is not blank/],
    [
      "smbios-serial=it's",
      /--match "smbios-serial=it's": expected a serial of printable ASCII characters without a single quote/,
    ],
    [
      "smbios-uuid=FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
      /SMBIOS reserves this UUID for a machine with none set: use smbios-serial=SERIAL/,
    ],
    [
      `smbios-uuid=${UUID_A}`,
      /--match smbios-uuid=4c4c.*: node a already has it, and one machine cannot boot two nodes/,
    ],
  ] as const) {
    const r = run("install", "--root", root, "--node", "b", "--match", value);
    assert.is(r.code, 2, value);
    assert.match(r.stderr, expected);
  }
  assert.equal(snapshot(root), before);
});

/**
 * A stand-in for bootctl on PATH, which records its arguments: the real one writes the NVRAM of the machine it runs
 * on and needs UEFI, which this test machine does not boot with. `fails` makes it answer as bootctl does there.
 */
function fakeBootctl(fails = false): { path: string; log: string } {
  const dir = mkdtempSync(join(tmp, "bootctl-"));
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

test("BLS: --set-default sets THIS machine's NVRAM default and timeout with bootctl, never the shared loader.conf's default", () => {
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
    "set-default clusterguard-a.conf\nset-timeout 3\nset-default clusterguard-a.conf\nset-timeout 3\nset-oneshot clusterguard-b.conf\n",
    "the machine's own timeout is loader.conf's old one",
  );
  assert.is(
    readFileSync(join(root, "boot/loader/loader.conf"), "utf8"),
    "timeout menu-force\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n",
  );
  assert.is(runExe(["bootloader", "remove", "--root", root], { env }).code, 0);
  assert.equal(snapshot(root), before);
});

test("BLS: install holds a machine without its own default at the menu (loader.conf timeout menu-force), reversibly", () => {
  // Both machines read this loader.conf: one whose NVRAM names no default boots its `default` (here the distro's
  // entry, no guard, into the shared root) after 3 s, unless the menu is forced. GRUB's unmatched machine waits too.
  for (const [given, held] of [
    [
      "timeout 3\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n",
      "timeout menu-force\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n",
    ],
    [
      "default debian\n# no timeout: systemd-boot boots at once",
      "default debian\n# no timeout: systemd-boot boots at once\ntimeout menu-force\n",
    ],
    // systemd-boot takes the last timeout line: every one is held; CRLF lines keep their ends.
    ["timeout 3\r\ndefault debian\r\ntimeout 10\r\n", "timeout menu-force\r\ndefault debian\r\ntimeout menu-force\r\n"],
    [null, "timeout menu-force\n"],
  ] as const) {
    const root = blsTree();
    const conf = join(root, "boot/loader/loader.conf");
    if (given === null) Bun.spawnSync(["rm", conf]);
    else writeFileSync(conf, given);
    const before = snapshot(root);
    for (const n of ["a", "b"]) {
      const r = run("install", "--root", root, "--node", n);
      assert.is(r.code, 0, r.stderr);
      assert.is(readFileSync(conf, "utf8"), held);
    }
    assert.match(
      run("install", "--root", root, "--node", "a").stdout,
      "already holds a machine without its own default at the menu",
    );
    assert.is(run("remove", "--root", root).code, 0);
    assert.equal(snapshot(root), before);
  }
});

test("BLS: removing one node's entry keeps the menu held for the other's; removing the last gives loader.conf back", () => {
  const root = blsTree();
  const before = snapshot(root);
  const conf = join(root, "boot/loader/loader.conf");
  for (const n of ["a", "b"]) assert.is(run("install", "--root", root, "--node", n).code, 0);
  const one = run("remove", "--root", root, "--node", "a");
  assert.is(one.code, 0, one.stderr);
  assert.match(one.stdout, 'kept "timeout menu-force" in loader.conf: the entries of b are left');
  assert.is(readFileSync(conf, "utf8"), "timeout menu-force\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n");
  assert.is(run("remove", "--root", root, "--node", "b").code, 0);
  assert.equal(snapshot(root), before);
});

test("BLS: with an XBOOTLDR /boot, the hold goes into the loader.conf of the EFI system partition (/efi), where systemd-boot reads it", () => {
  const root = blsTree();
  mkdirSync(join(root, "efi/EFI/systemd"), { recursive: true });
  mkdirSync(join(root, "efi/loader"), { recursive: true });
  writeFileSync(join(root, "efi/loader/loader.conf"), "timeout 5\n");
  const before = snapshot(root);
  const r = run("install", "--root", root, "--node", "a");
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(root, "efi/loader/loader.conf"), "utf8"), "timeout menu-force\n");
  assert.is(
    readFileSync(join(root, "boot/loader/loader.conf"), "utf8"),
    "timeout 3\ndefault 0123abcd-6.5.6-300.fc39.x86_64.conf\n",
  );
  assert.is(run("remove", "--root", root).code, 0);
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

test("BLS: --match is refused (exit 2): each machine sets its own default with --set-default", () => {
  const root = blsTree();
  const before = snapshot(root);
  const r = run(
    "install",
    "--root",
    root,
    "--node",
    "a",
    "--match",
    "smbios-uuid=4c4c4544-0042-3510-8048-b4c04f4e3232",
  );
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /run `clusterguard bootloader install --node a --set-default` on the machine that boots as node a/,
  );
  assert.equal(snapshot(root), before);
});

test("BLS: installing without a guard initrd fails and says how to build one", () => {
  const root = blsTree();
  Bun.spawnSync(["rm", join(root, "boot/initramfs-6.5.6-300.fc39.x86_64-clusterguard.img")]);
  const r = run("install", "--root", root, "--node", "a");
  assert.is(r.code, 1);
  assert.match(r.stderr, /clusterguard initrd regenerate --kver 6\.5\.6-300\.fc39\.x86_64/);
  assert.not.ok(existsSync(join(root, "boot/loader/entries/clusterguard-a.conf")));
});

test("bad node names (exit 2) and trees without a boot loader (exit 1) are refused", () => {
  const bad = run("install", "--root", grubTree(), "--node", "a b");
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--node: expected a node name of 1-32 characters/);
  const empty = mkdtempSync(join(tmp, "none-"));
  const r = run("list", "--root", empty);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no boot loader configuration found/);
});

test.run();
