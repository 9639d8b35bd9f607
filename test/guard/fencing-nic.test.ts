// The fencing NIC the guard brings up in the initrd: the plan taken from the config (NIC by MAC or name, address, a
// route per BMC off the subnet), the NIC found by MAC, and for real: a bare veth found by its MAC gets this node's
// address and route, after which the real ipmitool reaches a real BMC (ipmi_sim) in a network namespace behind it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatConfigError, loadConfigText } from "../../src/config/index.ts";
import { IpmiFence } from "../../src/fence/ipmi.ts";
import { ensureFencingNic, fencingNic, interfaceByMac, keepTrying } from "../../src/guard/netup.ts";
import { Logger } from "../../src/log/logger.ts";
import { type IpmiSim, ipmiSimUnavailable, startIpmiSim } from "../helpers/ipmi-sim.ts";
import { makeVeth, type VethPair } from "../helpers/netns.ts";

const B = 'fencing_address = "192.168.77.2/24"\nfencing_mac = "52:54:00:00:77:02"';

function config(nodeA: string, rest: string, nodeB = B) {
  const text = `[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n${nodeA}\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n${nodeB}\n${rest}`;
  const r = loadConfigText(text, "t.toml");
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join("\n"));
  return r.config;
}
const ipmi = (host: string) =>
  `[[fencing.level]]\ntype = "ipmi"\nhost = "${host}"\nuser = "f"\npassword_file = "/etc/pw"\n`;
const redfish = (url: string) =>
  `[[fencing.level]]\ntype = "redfish"\nurl = "${url}"\nuser = "f"\npassword_file = "/etc/pw"\n`;

test("the plan: this node's address, its NIC by MAC or name, and a gateway route only to BMCs off both subnets", () => {
  const c = config(
    'fencing_address = "192.168.77.1/24"\nfencing_mac = "52:54:00:00:77:01"',
    `[fencing.network]\ngateway = "192.168.77.254"\n${ipmi("192.168.77.12")}${ipmi("172.16.5.12")}${redfish("https://172.16.5.13:8443")}${ipmi("10.0.0.12")}${ipmi("172.16.5.12")}`,
  );
  assert.equal(fencingNic(c, c.node[0]), {
    mac: "52:54:00:00:77:01",
    cidr: "192.168.77.1/24",
    routes: [
      { to: "172.16.5.12", via: "192.168.77.254" },
      { to: "172.16.5.13", via: "192.168.77.254" },
    ],
  });
  const byName = config(
    'fencing_address = "192.168.77.1/24"',
    `[fencing.network]\ninterface = "eth2"\n${ipmi("172.16.5.12")}`,
  );
  assert.equal(fencingNic(byName, byName.node[0]), { interface: "eth2", cidr: "192.168.77.1/24", routes: [] });
  const none = config("", "", "");
  assert.is(fencingNic(none, none.node[0]), null, "no fencing network: nothing to bring up");
});

test("the NIC is found by its MAC in any case, and not at all while no NIC has it", () => {
  const dir = mkdtempSync(join(tmpdir(), "cg-sysnet-"));
  try {
    for (const [name, mac] of [
      ["eth0", "52:54:00:aa:00:01"],
      ["enp3s0", "52:54:00:AA:00:02"],
    ]) {
      mkdirSync(join(dir, name!));
      writeFileSync(join(dir, name!, "address"), `${mac}\n`);
    }
    assert.is(interfaceByMac("52:54:00:aa:00:02", dir), "enp3s0");
    assert.is(interfaceByMac("52:54:00:AA:00:01", dir), "eth0");
    assert.is(interfaceByMac("52:54:00:aa:00:03", dir), null);
    assert.is(interfaceByMac("52:54:00:aa:00:01", join(dir, "missing")), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// For real: the host end of a veth has no address; the namespace behind it holds the BMCs.
const simSkip = ipmiSimUnavailable();
const pair: VethPair | { skip: string } = simSkip === null ? makeVeth(61, { hostAddress: false }) : { skip: simSkip };
if ("skip" in pair) console.log(`  (fencing-nic: the real NIC tests skipped: ${pair.skip})`);
const sims: IpmiSim[] = [];
test.after(() => {
  for (const s of sims) s.stop();
  if (!("skip" in pair)) pair.destroy();
});

test("a bare NIC found by MAC gets the address and the gateway route; then ipmitool reaches both BMCs behind it", async () => {
  if ("skip" in pair) return;
  // BMC 1 on the fencing subnet (the namespace's end of the veth); BMC 2 on another subnet, the namespace its router.
  pair.ip("-n", pair.ns, "addr", "add", "10.215.61.2/32", "dev", "lo");
  const near = await startIpmiSim({ netns: pair.ns, host: pair.nsAddr, poweredOn: true });
  sims.push(near);
  const far = await startIpmiSim({ netns: pair.ns, host: "10.215.61.2", poweredOn: true });
  sims.push(far);
  const device = (s: IpmiSim) =>
    new IpmiFence({
      host: s.host,
      port: s.port,
      cipherSuite: 3,
      user: s.user,
      passwordFile: s.passwordFile,
      interface: "lanplus",
      pollMs: 200,
    });
  assert.is.not((await device(near).status("b", AbortSignal.timeout(2000))).power, "on", "unreachable before");

  const mac = readFileSync(`/sys/class/net/${pair.hostIf}/address`, "utf8").trim();
  const c = config(
    `fencing_address = "10.213.61.1/24"\nfencing_mac = "${mac.toUpperCase()}"`,
    `[fencing.network]\ngateway = "${pair.nsAddr}"\n${ipmi(near.host)}${ipmi(far.host)}`,
    'fencing_address = "10.213.61.3/24"\nfencing_mac = "52:54:00:00:61:03"',
  );
  const nic = fencingNic(c, c.node[0]);
  assert.ok(nic);
  const r = await ensureFencingNic(nic);
  assert.is(r.iface, pair.hostIf);
  assert.is(
    r.done,
    `ip link set dev ${pair.hostIf} up; ip addr add 10.213.61.1/24 dev ${pair.hostIf}; ip route replace 10.215.61.2/32 via ${pair.nsAddr} dev ${pair.hostIf}`,
  );
  const again = await ensureFencingNic(nic);
  assert.is(
    again.done,
    `ip link set dev ${pair.hostIf} up; ip route replace 10.215.61.2/32 via ${pair.nsAddr} dev ${pair.hostIf}`,
    "idempotent",
  );
  const routes = spawnSync("ip", ["route", "show", "10.215.61.2"], { encoding: "utf8" }).stdout;
  assert.match(routes, `10.215.61.2 via ${pair.nsAddr} dev ${pair.hostIf}`);

  for (const s of [near, far]) {
    const off = await device(s).fence("b", "off", AbortSignal.timeout(15_000));
    assert.ok(off.confirmed, `${s.host}: ${off.detail}`);
    const end = Date.now() + 5000;
    while (s.machine() !== null && Date.now() < end) await Bun.sleep(50);
    assert.is(s.machine(), null, `${s.host}: the machine is off`);
  }
});

test("a NIC that appears late still gets its address: 500 ms tries for 2 minutes, then every 10 s, never given up", async () => {
  const events: { level: string; message: string }[] = [];
  const log = new Logger("a", [(e) => void events.push(e)]);
  const slept: number[] = [];
  let calls = 0;
  await keepTrying(
    "fencing-net",
    "fencing NIC eth1",
    async () => {
      calls++;
      if (calls <= 300) throw new Error("no such device");
      return "ip addr add 192.168.77.1/24 dev eth1";
    },
    log,
    {},
    async (ms) => void slept.push(ms),
  );
  assert.is(calls, 301, "tried until it worked, past the old 240-try limit");
  assert.is(slept.filter((ms) => ms === 500).length, 240);
  assert.is(slept.filter((ms) => ms === 10_000).length, 60);
  assert.is(events.filter((e) => e.level === "error" && /still failing after 120 s/.test(e.message)).length, 1);
  assert.ok(events.some((e) => e.level === "info" && /ip addr add/.test(e.message)));
});

test.run();
