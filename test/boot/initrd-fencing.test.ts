// `clusterguard initrd regenerate` for an ipmi and a redfish level, with real dracut in the lab's Debian 12 chroot:
// refused while a level could not work from the initrd (no ipmitool, a loose password file), then built with
// ipmitool, its libraries, the password files (0600) and the CA file inside and nothing else secret; the ipmitool
// taken out of the image powers a real BMC (ipmi_sim) on; an image missing what a level needs fails verification.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DebianRoot, sh } from "../helpers/debian-root.ts";
import { runExe } from "../helpers/exe.ts";
import { BMC_PAIR_CONFIG, type IpmiSim, ipmiSimUnavailable, startIpmiSim } from "../helpers/ipmi-sim.ts";

const debian = new DebianRoot();
const root = debian.path;
const unavailable = ipmiSimUnavailable();
let sim: IpmiSim | null = null;

const CONFIG = `${BMC_PAIR_CONFIG}cipher_suite = 3

[[fencing.level]]
type = "redfish"
url = "https://192.168.77.13"
user = "fence"
password_file = "/etc/clusterguard/redfish.pw"
ca_file = "/etc/clusterguard/bmc-ca.pem"
`;

/** Write a file into the tree, owned by root, with `mode`. */
function put(path: string, text: string, mode: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  chmodSync(join(root, path), mode);
}

test.before(async () => {
  if (unavailable !== null) throw new Error(`the real BMC cannot run: ${unavailable}`);
  debian.install();
  assert.is(runExe(["keygen", "--authkey", join(root, "etc/clusterguard/authkey")]).code, 0);
  sim = await startIpmiSim({ poweredOn: false });
  put("etc/clusterguard/clusterguard.toml", CONFIG, 0o644);
  put("etc/clusterguard/bmc.pw", readFileSync(sim.passwordFile, "utf8"), 0o600);
  put("etc/clusterguard/redfish.pw", "redfish-s3cret\n", 0o600);
  put("etc/clusterguard/bmc-ca.pem", "-----BEGIN CERTIFICATE-----\n", 0o644);
  // A secret no level names: it must stay out of the image.
  put("etc/clusterguard/old-bmc.pw", "leftover\n", 0o600);
});
test.after(() => {
  sim?.stop();
  debian.remove();
});

const regenerate = () => runExe(["initrd", "regenerate", "--root", root, "--kind", "shell"]);

test("without ipmitool in the tree, regenerate refuses before dracut, naming the level, the key and why", () => {
  // The lab's base has ipmitool (its VMs fence through BMCs): this copy of it goes without.
  rmSync(join(root, "usr/bin/ipmitool"), { force: true });
  const r = regenerate();
  assert.is(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    `not built: a fence level could not work from the initrd (${root}/etc/clusterguard/clusterguard.toml):\n  fencing.level[0].type: the ipmi level runs ipmitool, which is not installed in ${root}, so the initrd cannot hold it: apt-get install ipmitool`,
  );
  assert.not.match(r.stderr, "the initrd builder said");
});

test("a password file others can read is refused too, with the command that fixes it", () => {
  // "apt-get install ipmitool" without a network.
  debian.fromHost("/usr/bin/ipmitool");
  chmodSync(join(root, "etc/clusterguard/redfish.pw"), 0o644);
  const r = regenerate();
  assert.is(r.code, 1, r.stderr);
  const pw = join(root, "etc/clusterguard/redfish.pw");
  assert.match(
    r.stderr,
    `fencing.level[1].password_file: ${pw}: mode is 0644; expected mode 0600 or stricter (no group or other permissions, no execute/setuid/sticky bits); run: chown root:root ${pw} && chmod 0600 ${pw}`,
  );
  assert.not.match(r.stderr, "ipmitool");
  chmodSync(pw, 0o600);
});

test("the built image holds ipmitool with its libraries, the password files (0600) and the CA file, and no other secret", () => {
  const r = regenerate();
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    "verified for the fence levels: /usr/bin/ipmitool (tool), /etc/clusterguard/bmc.pw (secret), /etc/clusterguard/redfish.pw (secret), /etc/clusterguard/bmc-ca.pem (file)",
  );
  const image = r.stdout.match(/built (\S+)/)![1]!;
  const list = sh(["chroot", root, "lsinitrd", image]);
  for (const f of [
    "usr/bin/ipmitool",
    "libfreeipmi.so.17",
    "libreadline.so.8",
    "libgcrypt.so.20",
    "etc/clusterguard/bmc-ca.pem",
  ])
    assert.ok(list.includes(f), `${f} in the image`);
  assert.match(list, /-rw------- .* etc\/clusterguard\/bmc\.pw\n/);
  assert.match(list, /-rw------- .* etc\/clusterguard\/redfish\.pw\n/);
  assert.not.match(list, "old-bmc.pw", "a secret no level names stays out");

  // The ipmitool, libraries and password file as the initrd has them, run on their own against a real BMC.
  const unpacked = join(root, "unpacked");
  mkdirSync(unpacked);
  // chroot(1) changes to /, so the unpacking shell changes into the folder itself.
  sh(["chroot", root, "sh", "-c", `cd /unpacked && lsinitrd --unpack ${image}`]);
  const s = sim!;
  const inImage = (cmd: string) =>
    Bun.spawnSync(
      ["chroot", unpacked, "/usr/bin/ipmitool", "-I", "lanplus", "-C", "3", "-H", s.host, "-p", String(s.port)].concat([
        "-U",
        s.user,
        "-f",
        "/etc/clusterguard/bmc.pw",
        "chassis",
        "power",
        cmd,
      ]),
      { stdout: "pipe", stderr: "pipe" },
    );
  assert.is(s.machine(), null, "the machine is off");
  const on = inImage("on");
  assert.is(on.exitCode, 0, on.stderr.toString());
  assert.match(on.stdout.toString(), "Chassis Power Control: Up/On");
  const end = Date.now() + 5000;
  while (s.machine() === null && Date.now() < end) Bun.sleepSync(50);
  assert.ok(s.machine() !== null, "the initrd's ipmitool powered the machine on");
  assert.match(inImage("status").stdout.toString(), "Chassis Power is on");
});

test("an image that lacks what a level needs fails verification, naming each missing piece", () => {
  const setup = join(root, "usr/lib/dracut/modules.d/90clusterguard/module-setup.sh");
  const text = readFileSync(setup, "utf8");
  writeFileSync(setup, text.replace(/^ {4}install_fence_needs$/m, "    : # install_fence_needs"));
  try {
    const r = regenerate();
    assert.is(r.code, 1, r.stdout);
    const image = `/boot/initrd.img-${sh(["ls", join(root, "lib/modules")]).trim()}-clusterguard`;
    assert.match(r.stderr, `the image was built but is not usable, so ${image} was not written:`);
    for (const what of [
      "/usr/bin/ipmitool, which fencing.level[0].type needs, is missing from",
      "/etc/clusterguard/bmc.pw, which fencing.level[0].password_file needs, is missing from",
      "/etc/clusterguard/bmc-ca.pem, which fencing.level[1].ca_file needs, is missing from",
    ])
      assert.match(r.stderr, `${what} the new ${image}`);
  } finally {
    writeFileSync(setup, text);
  }
});

test.run();
