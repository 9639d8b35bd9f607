// GRUB's per-machine selection (bootloader install --match) through real GRUB: grub-script-check parses the snippet,
// grub-mkconfig builds a grub.cfg from a tree with Debian's own 00_header and 10_linux, and grub-emu runs that grub.cfg
// as a machine would. grub-emu has no SMBIOS table (its platform has no smbios module), so each test machine is a GRUB
// function named smbios, which shadows the command: it answers exactly the calls GRUB's smbios.c documents
// (`--type 1 --get-uuid 8 --set VAR`, `--type 1 --get-string 7 --set VAR`) and prints anything else as a failure.
// UUIDs are given the way smbios.c prints them (grub_smbios_format_uuid: %02x, lower case).
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExe } from "../helpers/exe.ts";
import { grubEmu, grubMkconfig, grubScriptCheck } from "../helpers/grub.ts";

const KVER = "6.1.0-28-amd64";
const UUID_A = "4c4c4544-0042-3510-8048-b4c04f4e3232";
const SERIAL_B = `SN $B "7\\`; // a serial GRUB must take literally: a dollar, a double quote, a trailing backslash
/** Every folder this file makes, removed at the end. */
const tmp = mkdtempSync(join(tmpdir(), "cg-grub-select-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** A Debian system tree with GRUB's own header and Linux scripts, GRUB_DEFAULT=saved, and a guard initrd. */
function debianTree(): string {
  const root = mkdtempSync(join(tmp, "tree-"));
  for (const d of ["etc/grub.d", "etc/default", "boot/grub"]) mkdirSync(join(root, d), { recursive: true });
  for (const s of ["00_header", "10_linux"]) {
    copyFileSync(join("/etc/grub.d", s), join(root, "etc/grub.d", s));
    chmodSync(join(root, "etc/grub.d", s), 0o755);
  }
  // GRUB_TERMINAL=console, as on a server's serial console: grub-emu would draw a graphical terminal otherwise.
  writeFileSync(
    join(root, "etc/default/grub"),
    'GRUB_DEFAULT=saved\nGRUB_TIMEOUT=5\nGRUB_TERMINAL=console\nGRUB_CMDLINE_LINUX="console=ttyS0"\n',
  );
  for (const f of [`vmlinuz-${KVER}`, `initrd.img-${KVER}`, `initrd.img-${KVER}-clusterguard`])
    writeFileSync(join(root, "boot", f), f);
  return root;
}

const install = (root: string, node: string, match: string) =>
  runExe(["bootloader", "install", "--root", root, "--node", node, "--match", match, "--no-update"]);

/** A tree with node a matched by UUID (given in upper case) and node b by serial, and its grub-mkconfig result. */
function pair(): { root: string; cfg: string } {
  const root = debianTree();
  assert.is(install(root, "a", `smbios-uuid=${UUID_A.toUpperCase()}`).code, 0);
  const b = install(root, "b", `smbios-serial=${SERIAL_B}`);
  assert.is(b.code, 0, b.stderr);
  const r = grubMkconfig(root);
  assert.is(r.code, 0, r.stderr);
  return { root, cfg: r.cfg };
}

const gq = (s: string) => `'${s}'`; // a GRUB single-quoted word (the test values hold no single quote)

/** A machine: its SMBIOS type 1 UUID and serial (null: the firmware has none, smbios fails). */
function machine(uuid: string | null, serial: string | null): string {
  const answer = (v: string | null) => (v === null ? "return 1" : `set "$6"=${gq(v)}`);
  return [
    "function smbios {",
    `  if [ "$#" = 6 -a "$1" = --type -a "$2" = 1 -a "$3" = --get-uuid -a "$4" = 8 -a "$5" = --set ]; then ${answer(uuid)}`,
    `  elif [ "$#" = 6 -a "$1" = --type -a "$2" = 1 -a "$3" = --get-string -a "$4" = 7 -a "$5" = --set ]; then ${answer(serial)}`,
    '  else echo "TEST FAILURE: unexpected smbios $*"; fi',
    "}",
  ].join("\n");
}

/** Boot `cfg` on `m` up to the menu: what GRUB printed, and the default entry it would highlight and boot. */
function boot(
  m: string,
  cfg: string,
  env: Record<string, string> = {},
): { out: string; default: string; timeout: string } {
  const out = grubEmu(`${m}\n${cfg}\necho "RESULT default=[\${default}] timeout=[\${timeout}]"`, env);
  assert.not.match(out, /TEST FAILURE/);
  const d = /RESULT default=\[([^\]]*)\] timeout=\[([^\]]*)\]/.exec(out);
  assert.ok(d, out);
  return { out, default: d[1] ?? "", timeout: d[2] ?? "" };
}

test("GRUB tools: the snippet parses, and grub-mkconfig puts it after both node entries in a grub.cfg that parses", () => {
  const { root, cfg } = pair();
  const snippet = Bun.spawnSync(["sh", join(root, "etc/grub.d/46_clusterguard_select")]);
  assert.is(snippet.exitCode, 0);
  assert.is(grubScriptCheck(snippet.stdout.toString()), null);
  assert.is(grubScriptCheck(cfg), null);
  const at = (s: string) => cfg.indexOf(s);
  assert.ok(at("### END /etc/grub.d/00_header ###") > 0, cfg);
  assert.ok(at("--id 'clusterguard-a'") > at("### END /etc/grub.d/00_header ###"));
  assert.ok(at("--id 'clusterguard-b'") > 0);
  assert.ok(at("### BEGIN /etc/grub.d/46_clusterguard_select ###") > at("### END /etc/grub.d/45_clusterguard_b ###"));
  assert.match(cfg, /^insmod smbios$/m);
});

test("grub-emu: each machine boots its own node over the default saved in the shared grubenv", () => {
  const { cfg } = pair();
  const shared = { saved_entry: "clusterguard-b" }; // as `install --node b --set-default` would leave it
  const a = boot(machine(UUID_A, "A-SERIAL"), cfg, shared);
  assert.is(a.default, "clusterguard-a");
  assert.match(a.out, `clusterguard: SMBIOS UUID ${UUID_A} is node a's machine: booting clusterguard-a`);
  const b = boot(machine("4c4c4544-0042-3510-8048-b4c04f4e3233", SERIAL_B), cfg, { saved_entry: "clusterguard-a" });
  assert.is(b.default, "clusterguard-b");
  assert.match(b.out, `SMBIOS serial ${SERIAL_B} is node b's machine`);
});

test("grub-emu: a machine that matches no node, or both, boots nothing by itself (the default may have no guard) and says why", () => {
  const { cfg } = pair();
  const env = { saved_entry: "gnulinux-simple-/dev/vda" };
  const none = boot(machine("00112233-4455-6677-8899-aabbccddeeff", "OTHER"), cfg, env);
  assert.is(none.timeout, "-1", "waits at the menu");
  assert.match(
    none.out,
    "this machine (SMBIOS UUID 00112233-4455-6677-8899-aabbccddeeff, SMBIOS serial OTHER) matches no node: nothing boots by itself",
  );
  const noSmbios = boot(machine(null, null), cfg, env);
  assert.is(noSmbios.timeout, "-1", "no smbios command (Secure Boot without the module): waits too");
  assert.match(noSmbios.out, "matches no node");
  const both = boot(machine(UUID_A, SERIAL_B), cfg, env);
  assert.is(both.timeout, "-1");
  assert.match(both.out, "this machine matches node a and node b");
  const mine = boot(machine(UUID_A, null), cfg, env);
  assert.is.not(mine.timeout, "-1", "a matched machine boots on its own");
});

test("grub-emu: a one-time boot (grub-reboot) in the shared grubenv is not taken: a matched machine boots its own node", () => {
  const { cfg } = pair();
  const m = machine(UUID_A, null);
  const distro = boot(m, cfg, { saved_entry: "clusterguard-a", next_entry: "gnulinux-simple-/dev/vda" });
  assert.is(distro.default, "clusterguard-a");
  assert.match(distro.out, "was asked for once (grub-reboot), in the grubenv both machines share: not taken");
  const wrong = boot(m, cfg, { next_entry: "clusterguard-b" });
  assert.is(wrong.default, "clusterguard-a");
  const own = boot(m, cfg, { next_entry: "clusterguard-a" });
  assert.is(own.default, "clusterguard-a");
  assert.not.match(own.out, "not taken");
});

test("grub-emu: with no match recorded there is no selection: the saved default boots every machine", () => {
  const root = debianTree();
  assert.is(runExe(["bootloader", "install", "--root", root, "--node", "a", "--no-update"]).code, 0);
  assert.not.ok(existsSync(join(root, "etc/grub.d/46_clusterguard_select")));
  const r = grubMkconfig(root);
  assert.is(r.code, 0, r.stderr);
  assert.is(boot(machine(UUID_A, null), r.cfg, { saved_entry: "clusterguard-a" }).default, "clusterguard-a");
  assert.is(boot(machine(null, null), r.cfg, { saved_entry: "clusterguard-a" }).default, "clusterguard-a");
});

test("Debian's GRUB modules: smbios exists for BIOS (and UEFI when installed) with the options the snippet uses", () => {
  const mods = ["/usr/lib/grub/i386-pc/smbios.mod", "/usr/lib/grub/x86_64-efi/smbios.mod"].filter((m) => existsSync(m));
  assert.ok(mods.includes("/usr/lib/grub/i386-pc/smbios.mod"), "grub-pc-bin is missing: test/install-host-deps.sh");
  for (const m of mods) {
    const text = readFileSync(m).toString("latin1");
    for (const opt of ["type", "get-uuid", "get-string", "set", "smbios"])
      assert.ok(text.includes(`\0${opt}\0`), `${m} has no option string ${opt}`);
  }
});

test.run();
