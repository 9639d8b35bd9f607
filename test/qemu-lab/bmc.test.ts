// The lab's BMCs (qemu/src/bmc.ts): the management bridge and taps, and a real ipmi_sim driving a real (tiny) QEMU
// through ipmi-bmc-extern, powered off and on with ipmitool over the bridge address. The test plays the lab daemon:
// the BMC's startcmd only asks for power on, and the test starts the QEMU, as the lab would.
import type { Subprocess } from "bun";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type Bmc,
  type BmcSpec,
  bmcLanConf,
  bmcQemuArgs,
  haveNft,
  LAB_MGMT,
  type MgmtNet,
  mgmtDown,
  mgmtUp,
  nftRuleset,
  startBmc,
} from "../../qemu/src/bmc.ts";
import { freeTcpPort } from "../helpers/ipmi-sim.ts";
import { waitFor } from "../helpers/wait.ts";

function unavailable(): string | null {
  if (process.getuid?.() !== 0) return "not root (bridges and taps)";
  for (const [bin, arg] of [
    ["ipmi_sim", "-v"],
    ["ipmitool", "-V"],
    ["qemu-system-x86_64", "--version"],
  ] as const) {
    if (spawnSync(bin, [arg]).error) return `${bin} cannot run: bash test/install-host-deps.sh`;
  }
  if (!existsSync("/dev/net/tun")) return "no /dev/net/tun";
  return null;
}
const why = unavailable();
if (why !== null) console.log(`  (qemu-lab bmc: real parts skipped: ${why})`);
const real = (name: string, fn: () => Promise<void>) => test(name, async () => (why === null ? fn() : undefined));

// Names and a subnet of this test's own (interface names are at most 15 characters).
const tag = String(process.pid % 100000);
async function testNet(): Promise<MgmtNet> {
  const bmc = (node: "a" | "b", i: number): BmcSpec => ({
    node,
    address: `192.168.79.${10 + i}`,
    lanPort: 623,
    vmPort: 0,
    tap: `cgbt${tag}${node}`,
    mac: `52:54:00:c6:79:0${i}`,
    vmAddress: `192.168.79.${i}/24`,
  });
  const a = bmc("a", 1);
  const b = bmc("b", 2);
  a.vmPort = await freeTcpPort();
  b.vmPort = await freeTcpPort();
  return { bridge: `cgbt${tag}`, prefix: 24, nftTable: `cgbt${tag}`, bmcs: [a, b] };
}

const linkJson = (dev: string): Record<string, unknown> | null => {
  const r = spawnSync("ip", ["-d", "-j", "link", "show", "dev", dev], { encoding: "utf8" });
  return r.status === 0 ? (JSON.parse(r.stdout)[0] as Record<string, unknown>) : null;
};
const addrs = (dev: string): string[] =>
  spawnSync("ip", ["-o", "-4", "addr", "show", "dev", dev], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => /inet (\S+)/.exec(l)?.[1])
    .filter((a): a is string => !!a);

test("a VM's QEMU pieces: the BMC on a KCS interface through the chardev, the management NIC on its tap", () => {
  const a = LAB_MGMT.bmcs[0]!;
  assert.equal(bmcQemuArgs(a), [
    "-chardev",
    "socket,id=ipmi0,host=127.0.0.1,port=17631,reconnect=1",
    "-device",
    "ipmi-bmc-extern,id=bmc0,chardev=ipmi0",
    "-device",
    "isa-ipmi-kcs,bmc=bmc0",
    "-netdev",
    "tap,id=mgmt,ifname=cgmgmt-a,script=no,downscript=no",
    "-device",
    "virtio-net-pci,netdev=mgmt,mac=52:54:00:c6:77:01",
  ]);
  // Each VM its own tap, MAC, BMC address and chardev port.
  const [x, y] = LAB_MGMT.bmcs;
  for (const k of ["address", "vmPort", "tap", "mac", "vmAddress"] as const) assert.is.not(x![k], y![k], k);
});

test("ipmi_sim's config: LAN on the BMC address, the VM codec on its port, the startcmd, power at start", () => {
  const a = LAB_MGMT.bmcs[0]!;
  const c = bmcLanConf(a, "pw", "/run/x/power-on a", false);
  assert.match(c, /^ {4}addr 192\.168\.77\.11 623$/m);
  assert.match(c, /^ {2}serial 15 127\.0\.0\.1 17631 codec VM$/m);
  assert.match(c, /^ {2}startcmd "\/run\/x\/power-on a"$/m);
  assert.match(c, /^ {2}startnow false$/m);
  assert.match(bmcLanConf(a, "pw", "x", true), /^ {2}startnow true$/m);
  assert.throws(() => bmcLanConf(a, "pw", 'sh -c "x"', true), /no quotes/);
  const nft = nftRuleset(LAB_MGMT);
  assert.match(nft, /iifname "cgmgmt0" drop\n\s+oifname "cgmgmt0" drop/);
  assert.match(nft, /iifname "cgmgmt0" ct state established,related accept\n/);
  assert.match(nft, /ip daddr \. udp dport \{ 192\.168\.77\.11 \. 623, 192\.168\.77\.12 \. 623 \} accept/);
});

real("the management network comes up idempotently (isolated taps, BMC addresses) and goes away", async () => {
  const net = await testNet();
  try {
    const first = await mgmtUp(net);
    assert.ok(first.includes(`bridge ${net.bridge} added`), first.join("; "));
    assert.equal(addrs(net.bridge).sort(), ["192.168.79.11/24", "192.168.79.12/24"]);
    for (const b of net.bmcs) {
      const l = linkJson(b.tap) as { master?: string; linkinfo?: { info_slave_data?: { isolated?: boolean } } };
      assert.is(l.master, net.bridge, `${b.tap} on the bridge`);
      assert.is(l.linkinfo?.info_slave_data?.isolated, true, `${b.tap} isolated`);
    }
    if (await haveNft()) {
      const t = spawnSync("nft", ["list", "table", "inet", net.nftTable], { encoding: "utf8" });
      assert.match(t.stdout, new RegExp(`iifname "${net.bridge}" drop`));
    }
    // Again: nothing added, nothing doubled.
    const again = await mgmtUp(net);
    assert.equal(
      again.filter((l) => !l.startsWith("nft not installed")),
      [],
    );
    assert.is(addrs(net.bridge).length, 2);
    assert.equal(await mgmtDown(net), []);
    for (const dev of [net.bridge, ...net.bmcs.map((b) => b.tap)]) assert.is(linkJson(dev), null, `${dev} gone`);
    assert.is(spawnSync("nft", ["list", "table", "inet", net.nftTable]).status === 0, false, "nft table gone");
    assert.equal(await mgmtDown(net), [], "down twice is fine");
  } finally {
    await mgmtDown(net);
  }
});

real("ipmitool over the bridge address powers a QEMU off (it exits 0) and on, resets it in place", async () => {
  const net = await testNet();
  const spec = net.bmcs[0]!;
  const dir = mkdtempSync("/tmp/cg-bmc-test-");
  const requests = join(dir, "power-on-requests");
  writeFileSync(requests, "");
  writeFileSync(join(dir, "power-on"), `#!/bin/sh\necho on >> ${requests}\n`, { mode: 0o755 });
  const vms: Subprocess[] = [];
  let bmc: Bmc | null = null;
  let served = 0;
  // The "lab daemon": one QEMU per power-on request, owned here (not by ipmi_sim).
  const daemon = setInterval(() => {
    const n = readFileSync(requests, "utf8").split("\n").filter(Boolean).length;
    for (; served < n; served++) {
      vms.push(
        Bun.spawn(
          [
            ...["qemu-system-x86_64", "-name", `cgbt${tag}`, "-accel", "tcg", "-nodefaults", "-no-user-config"],
            ...["-display", "none", "-m", "64", ...bmcQemuArgs(spec)],
            ...["-qmp", `unix:${join(dir, "qmp.sock")},server=on,wait=off`],
          ],
          { stdin: "ignore", stdout: "ignore", stderr: "ignore" },
        ),
      );
    }
  }, 20);
  const ipmi = (...cmd: string[]) =>
    spawnSync("ipmitool", [...bmc!.ipmitool(), ...cmd], { encoding: "utf8", timeout: 10_000 });
  const power = () => ipmi("chassis", "power", "status").stdout.trim();
  const current = () => vms.at(-1);
  const tapUp = () => (linkJson(spec.tap) as { operstate?: string } | null)?.operstate === "UP";
  try {
    await mgmtUp(net);
    bmc = await startBmc(spec, {
      dir: join(dir, "bmc"),
      startcmd: join(dir, "power-on"),
      password: "lab",
      poweredOn: true,
    });
    assert.equal(bmc.ipmitool().slice(0, 8), ["-I", "lanplus", "-C", "3", "-H", "192.168.79.11", "-p", "623"]);
    // startnow: one power-on request, one QEMU, connected to the BMC: power is on; its NIC holds the tap up.
    await waitFor(() => power() === "Chassis Power is on", 10_000, "power on at start", 100);
    assert.is(served, 1);
    const first = current()!;
    await waitFor(tapUp, 5000, "the tap up with QEMU's NIC on it", 50);
    assert.is(first.exitCode, null);

    // Power off: ipmi_sim asks QEMU over the chardev; QEMU exits 0 by itself; the BMC then says off.
    const t0 = performance.now();
    assert.match(ipmi("chassis", "power", "off").stdout, /Chassis Power Control: Down\/Off/);
    const code = await Promise.race([first.exited, Bun.sleep(5000).then(() => "still running")]);
    const offMs = performance.now() - t0;
    assert.is(code, 0, "QEMU exits 0 by itself");
    assert.ok(offMs < 3000, `QEMU gone ${Math.round(offMs)} ms after the power off`);
    assert.is(power(), "Chassis Power is off");
    await waitFor(() => !tapUp(), 5000, "the tap without carrier", 50);

    // Power on: startcmd again (a second request), a new QEMU, on again.
    const t1 = performance.now();
    assert.match(ipmi("chassis", "power", "on").stdout, /Chassis Power Control: Up\/On/);
    await waitFor(() => served === 2 && power() === "Chassis Power is on", 10_000, "power on again", 50);
    const onMs = performance.now() - t1;
    assert.ok(onMs < 5000, `on again ${Math.round(onMs)} ms after the power on`);
    const second = current()!;
    assert.is.not(second, first);
    assert.is(second.exitCode, null);

    // Reset: the same QEMU resets in place (no new power-on request), power stays on.
    assert.match(ipmi("chassis", "power", "reset").stdout, /Chassis Power Control: Reset/);
    await Bun.sleep(500);
    assert.is(second.exitCode, null, "the same QEMU runs");
    assert.is(served, 2, "no power-on request for a reset");
    assert.is(power(), "Chassis Power is on");

    // The BMC dies: it answers nothing any more, and the machine runs on.
    await bmc.stop();
    const dead = spawnSync("ipmitool", [...bmc.ipmitool(), "-N", "1", "-R", "1", "chassis", "power", "status"], {
      encoding: "utf8",
      timeout: 10_000,
    });
    assert.is.not(dead.status, 0, "no answer from a dead BMC");
    await Bun.sleep(300);
    assert.is(second.exitCode, null, "the VM outlives its BMC");
  } finally {
    clearInterval(daemon);
    for (const v of vms) v.kill("SIGKILL");
    await Promise.all(vms.map((v) => v.exited));
    await bmc?.stop();
    await mgmtDown(net);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.is(linkJson(net.bridge), null, "the bridge is gone");
});

test.run();
