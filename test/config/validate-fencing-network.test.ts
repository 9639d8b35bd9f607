// [fencing.network] and each node's fencing_address / fencing_mac: values, the rules between them, and the warnings
// for a BMC the guard parked in the initrd could not reach.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configOf, errorsOf, warningsOf } from "./helpers.ts";

/** Two nodes (heartbeat 10.0.0.1/.2) with extra node keys, then `rest`; [[node]] a starts on line 4, b on line 8. */
function doc(aKeys: string, bKeys: string, rest: string): string {
  return `[cluster]\nname = "t"\n\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n${aKeys}\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n${bKeys}\n${rest}`;
}
const A = 'fencing_address = "192.168.77.1/24"';
const B = 'fencing_address = "192.168.77.2/24"';
const NET = '[fencing.network]\ninterface = "eth2"\n';
/** b's BMC, the level node a fences b through (target last: the host stays on the level's second line), then a level for a. */
const ipmi = (host: string) =>
  `[[fencing.level]]\ntype = "ipmi"\nhost = "${host}"\nuser = "fence"\npassword_file = "/etc/clusterguard/bmc.pw"\ntarget = "b"\n[[fencing.level]]\ntype = "peer-request"\n`;

test("a fencing network loads: the shared interface and gateway, each node's address and MAC", () => {
  const c = configOf(
    doc(
      `${A}\nfencing_mac = "52:54:00:00:77:01"`,
      `${B}\nfencing_mac = "52:54:00:00:77:02"`,
      `[fencing.network]\ngateway = "192.168.77.254"\n${ipmi("192.168.77.12")}`,
    ),
  );
  assert.equal(c.fencing.network, { gateway: "192.168.77.254" });
  assert.equal(
    c.node.map((n) => [n.fencing_address, n.fencing_mac]),
    [
      ["192.168.77.1/24", "52:54:00:00:77:01"],
      ["192.168.77.2/24", "52:54:00:00:77:02"],
    ],
  );
  assert.equal(configOf(doc("", "", "")).fencing.network, {}, "none configured: an empty table");
});

test("bad values name the file, line, key, value and what was expected", () => {
  const text = doc(
    'fencing_address = "192.168.77.1"\nfencing_mac = "52:54:00:00:77"',
    B,
    '[fencing.network]\ninterface = "a very long interface name"\ngateway = "router"\n',
  );
  assert.equal(errorsOf(text), [
    't.toml:7: node[0].fencing_address = "192.168.77.1": expected an address with its prefix length, such as 192.168.77.2/24',
    't.toml:8: node[0].fencing_mac = "52:54:00:00:77": expected a MAC address such as 52:54:00:12:34:56',
    't.toml:14: fencing.network.interface = "a very long interface name": expected a network interface name of 1-15 characters [A-Za-z0-9_.:-]',
    't.toml:15: fencing.network.gateway = "router": expected an IPv4 or IPv6 address literal',
  ]);
});

test("once configured, each node needs its address and a NIC (its MAC or fencing.network.interface)", () => {
  assert.equal(errorsOf(doc(A, "", "")), [
    "t.toml:4: node[0].fencing_mac: missing; expected a MAC address such as 52:54:00:12:34:56, or fencing.network.interface: the NIC node[0].fencing_address goes on",
    "t.toml:8: node[1].fencing_address: missing; expected an address with its prefix length, such as 192.168.77.2/24 (required because the fencing network is configured: [fencing.network] or a node's fencing_address or fencing_mac)",
    "t.toml:8: node[1].fencing_mac: missing; expected a MAC address such as 52:54:00:12:34:56, or fencing.network.interface: the NIC node[1].fencing_address goes on",
  ]);
  assert.equal(errorsOf(doc("", "", NET)).length, 2, "[fencing.network] alone asks for both addresses");
  assert.equal(errorsOf(doc(A, B, NET)), []);
  assert.equal(
    errorsOf(doc(`${A}\nfencing_mac = "52:54:00:00:77:01"`, `${B}\nfencing_mac = "52:54:00:00:77:02"`, "")),
    [],
  );
});

test("the two addresses and MACs differ, and the gateway is a router on each node's subnet", () => {
  assert.equal(errorsOf(doc(A, 'fencing_address = "192.168.77.1/25"', NET)), [
    't.toml:11: node[1].fencing_address = "192.168.77.1/25": expected an address different from node[0].fencing_address (192.168.77.1)',
  ]);
  const mac = 'fencing_mac = "52:54:00:00:77:01"';
  assert.equal(errorsOf(doc(`${A}\n${mac}`, `${B}\n${mac.toUpperCase().replace("FENCING_MAC", "fencing_mac")}`, "")), [
    't.toml:13: node[1].fencing_mac = "52:54:00:00:77:01": expected a value different from node[0].fencing_mac ("52:54:00:00:77:01")',
  ]);
  assert.equal(errorsOf(doc(A, B, `${NET}gateway = "192.168.78.1"\n`)), [
    't.toml:14: fencing.network.gateway = "192.168.78.1": expected a router on the subnet of node[0].fencing_address (192.168.77.1/24), not the node itself',
  ]);
  assert.equal(errorsOf(doc(A, B, `${NET}gateway = "192.168.77.2"\n`)), [
    't.toml:14: fencing.network.gateway = "192.168.77.2": expected a router on the subnet of node[1].fencing_address (192.168.77.2/24), not the node itself',
  ]);
});

test("a BMC off the heartbeat subnet with no fencing network warns, naming the level, the key and why", () => {
  assert.equal(warningsOf(doc("", "", ipmi("192.168.77.12"))), [
    "t.toml:14: fencing.level[0].host: ipmi BMC 192.168.77.12 cannot be reached from the initrd of node a: only the heartbeat NIC (10.0.0.1/24, the guard's default prefix) is up there and no fencing network is configured: set [fencing.network] and each node's fencing_address",
  ]);
  assert.equal(warningsOf(doc("", "", ipmi("10.0.0.12"))), [], "on the heartbeat subnet: reached through its NIC");
  const redfish =
    '[[fencing.level]]\ntype = "redfish"\nurl = "https://[fd00::9]:8443"\nuser = "f"\npassword_file = "/etc/pw"\ntarget = "b"\n[[fencing.level]]\ntype = "peer-request"\n';
  assert.equal(warningsOf(doc("", "", redfish)), [
    "t.toml:14: fencing.level[0].url: redfish BMC fd00::9 cannot be reached from the initrd of node a: only the heartbeat NIC (10.0.0.1/24, the guard's default prefix) is up there and no fencing network is configured: set [fencing.network] and each node's fencing_address",
  ]);
  assert.equal(
    warningsOf(doc("", "", `[channels.udp]\nenabled = false\n${ipmi("10.0.0.12")}`)).filter((w) => w.includes("BMC")),
    [
      "t.toml:16: fencing.level[0].host: ipmi BMC 10.0.0.12 cannot be reached from the initrd of node a: no NIC is up there (channels.udp is off and no fencing network is configured): set [fencing.network] and each node's fencing_address",
    ],
    "without the udp channel no NIC is up at all",
  );
});

test("with a fencing network a BMC is reached on its subnet or through the gateway; a host name never", () => {
  assert.equal(warningsOf(doc(A, B, `${NET}${ipmi("192.168.77.12")}`)), []);
  assert.equal(warningsOf(doc(A, B, `${NET}${ipmi("172.16.5.12")}`)), [
    "t.toml:16: fencing.level[0].host: ipmi BMC 172.16.5.12 cannot be reached from the initrd of node a: it is on no subnet of the heartbeat NIC (10.0.0.1/24, the guard's default prefix) or the fencing NIC (192.168.77.1/24) and fencing.network has no gateway: add fencing.network.gateway, or put the BMC on the fencing subnet",
  ]);
  assert.equal(warningsOf(doc(A, B, `${NET}gateway = "192.168.77.254"\n${ipmi("172.16.5.12")}`)), []);
  assert.equal(warningsOf(doc(A, B, `${NET}${ipmi("bmc-b.example.net")}`)), [
    "t.toml:16: fencing.level[0].host: ipmi BMC bmc-b.example.net is a host name: the guard in the initrd has no DNS resolver to look it up; use the BMC's IP address",
  ]);
});

test("config check exits 2 on a bad fencing network value, printing where and what was expected", () => {
  const dir = mkdtempSync(join(tmpdir(), "cg-fnet-"));
  try {
    const key = join(dir, "authkey");
    writeFileSync(key, `${"k".repeat(64)}\n`, { mode: 0o600 });
    const config = join(dir, "cg.toml");
    writeFileSync(config, doc('fencing_address = "192.168.77.1"', B, NET));
    const repo = join(import.meta.dir, "..", "..");
    const bun = join(repo, "node_modules", ".bin", "bun");
    const r = spawnSync(bun, [join(repo, "src", "main.ts"), "config", "check", "--config", config, "--authkey", key], {
      encoding: "utf8",
    });
    assert.is(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      `${config}:7: node[0].fencing_address = "192.168.77.1": expected an address with its prefix length, such as 192.168.77.2/24`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
