import { test } from "uvu";
import * as assert from "uvu/assert";
import { levelsFor } from "../../src/config/types.ts";
import { BASE, configOf, errorsOf, warningsOf } from "./helpers.ts";

// BASE is 10 lines; these helpers put [[fencing.level]] on line 11.
const level = (body: string) => `${BASE}[[fencing.level]]\n${body}\n`;
const WITH_DISK = `[channels.disk]\nenabled = true\ndevice = "/dev/vdb"\n`;

test("each fence level type fills in its own defaults", () => {
  const text = `${BASE}${WITH_DISK}
[[fencing.level]]
type = "peer-request"
[[fencing.level]]
type = "qmp"
device = "/dev/virtio-ports/fence"
[[fencing.level]]
type = "ipmi"
host = "bmc-b.lab"
user = "admin"
password_file = "/etc/clusterguard/ipmi.pw"
[[fencing.level]]
type = "redfish"
url = "https://10.0.9.2"
user = "root"
password_file = "/etc/clusterguard/redfish.pw"
[[fencing.level]]
type = "poison-pill"
`;
  assert.equal(configOf(text).fencing.level, [
    { type: "peer-request" },
    { type: "qmp", device: "/dev/virtio-ports/fence", action: "reset" },
    {
      type: "ipmi",
      host: "bmc-b.lab",
      user: "admin",
      password_file: "/etc/clusterguard/ipmi.pw",
      interface: "lanplus",
      port: 623,
    },
    {
      type: "redfish",
      url: "https://10.0.9.2",
      user: "root",
      password_file: "/etc/clusterguard/redfish.pw",
      system: "1",
      insecure: false,
    },
    { type: "poison-pill", msgwait: 10000, watchdog_device: "/dev/watchdog", watchdog_timeout: 5 },
  ]);
});

test("keys that belong to another level type are unknown keys for this type", () => {
  const text = level('type = "ipmi"\nhost = "10.0.9.1"\nuser = "admin"\npassword_file = "/etc/pw"\naction = "off"');
  assert.equal(errorsOf(text), [
    't.toml:16: fencing.level[0].action: unknown key for type = "ipmi"; expected one of: type, target, host, user, password_file, interface, port, cipher_suite',
  ]);
});

test("peer-request takes no keys besides type and target", () => {
  assert.equal(errorsOf(level('type = "peer-request"\ntimeout = 5')), [
    't.toml:13: fencing.level[0].timeout: unknown key for type = "peer-request"; expected one of: type, target',
  ]);
});

test("a missing or unknown level type lists the known types", () => {
  const types = '"peer-request", "poison-pill", "qmp", "ipmi", "redfish"';
  assert.equal(errorsOf(level('device = "/dev/x"')), [
    `t.toml:11: fencing.level[0].type: missing; expected one of ${types}`,
  ]);
  assert.equal(errorsOf(level('type = "stonith"')), [
    `t.toml:12: fencing.level[0].type = "stonith": expected one of ${types}`,
  ]);
});

test("type-specific required keys and values are checked", () => {
  assert.equal(errorsOf(level('type = "redfish"\nurl = "ftp://bmc"\ninsecure = "yes"')), [
    "t.toml:11: fencing.level[0].user: missing; expected a user name of 1-64 printable characters without spaces",
    "t.toml:11: fencing.level[0].password_file: missing; expected an absolute path (starting with /)",
    't.toml:13: fencing.level[0].url = "ftp://bmc": expected an http:// or https:// URL',
    't.toml:14: fencing.level[0].insecure = "yes": expected true or false',
  ]);
  assert.equal(errorsOf(level('type = "qmp"\naction = "reboot"')), [
    "t.toml:11: fencing.level[0].device: missing; expected an absolute path (starting with /)",
    't.toml:13: fencing.level[0].action = "reboot": expected one of "reset", "off"',
  ]);
});

test("an ipmi level's port and cipher suite are ranged, and a cipher suite needs lanplus", () => {
  const ipmi = (more: string) =>
    level(`type = "ipmi"\nhost = "10.0.9.1"\nuser = "admin"\npassword_file = "/etc/pw"\n${more}`);
  assert.equal(errorsOf(ipmi("port = 0\ncipher_suite = 18")), [
    "t.toml:16: fencing.level[0].port = 0: expected an integer from 1 to 65535",
    "t.toml:17: fencing.level[0].cipher_suite = 18: expected an integer from 0 to 17",
  ]);
  assert.equal(errorsOf(ipmi('interface = "lan"\ncipher_suite = 3')), [
    't.toml:17: fencing.level[0].cipher_suite = 3: expected no cipher_suite with interface = "lan" (cipher suites are IPMI 2.0, interface = "lanplus")',
  ]);
  const ok = configOf(ipmi("port = 16230\ncipher_suite = 3")).fencing.level[0];
  assert.equal(ok, {
    type: "ipmi",
    host: "10.0.9.1",
    user: "admin",
    password_file: "/etc/pw",
    interface: "lanplus",
    port: 16230,
    cipher_suite: 3,
  });
});

test("a redfish ca_file is an absolute path, and refused beside insecure = true, which would ignore it", () => {
  const redfish = (more: string) =>
    level(`type = "redfish"\nurl = "https://10.0.9.2"\nuser = "root"\npassword_file = "/etc/pw"\n${more}`);
  assert.equal(errorsOf(redfish('ca_file = "bmc-ca.pem"')), [
    't.toml:16: fencing.level[0].ca_file = "bmc-ca.pem": expected an absolute path (starting with /)',
  ]);
  assert.equal(errorsOf(redfish('ca_file = "/etc/clusterguard/bmc-ca.pem"\ninsecure = true')), [
    't.toml:16: fencing.level[0].ca_file = "/etc/clusterguard/bmc-ca.pem": expected no ca_file with insecure = true (nothing is verified then)',
  ]);
  const level0 = configOf(redfish('ca_file = "/etc/clusterguard/bmc-ca.pem"')).fencing.level[0];
  assert.equal(level0?.type === "redfish" ? level0.ca_file : null, "/etc/clusterguard/bmc-ca.pem");
});

test("poison-pill msgwait must be at least twice the watchdog timeout, as in SBD", () => {
  const text = `${BASE}${WITH_DISK}[[fencing.level]]\ntype = "poison-pill"\nmsgwait = 9999\nwatchdog_timeout = 5\n`;
  assert.equal(errorsOf(text), [
    "t.toml:16: fencing.level[0].msgwait = 9999: expected an integer of at least 2 x watchdog_timeout (2 x 5 s = 10000 ms)",
  ]);
  const defaulted = `${BASE}${WITH_DISK}[[fencing.level]]\ntype = "poison-pill"\nwatchdog_timeout = 10\n`;
  assert.equal(errorsOf(defaulted), [
    "t.toml:16: fencing.level[0].msgwait = 10000 (default): expected an integer of at least 2 x watchdog_timeout (2 x 10 s = 20000 ms)",
  ]);
});

test("poison-pill needs the shared-disk channel", () => {
  assert.equal(errorsOf(level('type = "poison-pill"')), [
    `t.toml:12: fencing.level[0].type = "poison-pill": expected channels.disk.enabled = true (the poison pill is written to the peer's slot on the shared disk)`,
  ]);
});

test("a fence level that is not a table is refused", () => {
  assert.equal(errorsOf(`${BASE}[fencing]\nlevel = ["qmp"]\n`), [
    't.toml:12: fencing.level[0] = "qmp": expected a table with type = one of "peer-request", "poison-pill", "qmp", "ipmi", "redfish"',
  ]);
});

test("an old [[fencing.agent]] names the file, the line and the new spelling", () => {
  assert.equal(errorsOf(`${BASE}[[fencing.agent]]\ntype = "qmp"\ndevice = "/dev/x"\n`), [
    "t.toml:11: [[fencing.agent]]: renamed: write [[fencing.level]] (the ordered fence levels)",
  ]);
});

test("fencing.wait_for_all defaults to true, takes a boolean, and names file, key, value and expectation otherwise", () => {
  assert.is(configOf(BASE).fencing.wait_for_all, true);
  assert.is(configOf(`${BASE}[fencing]\nwait_for_all = false\n`).fencing.wait_for_all, false);
  assert.equal(errorsOf(`${BASE}[fencing]\nwait_for_all = "no"\n`), [
    't.toml:12: fencing.wait_for_all = "no": expected true or false',
  ]);
  assert.equal(errorsOf(`${BASE}[fencing]\nwait_for_all = 0\n`), [
    "t.toml:12: fencing.wait_for_all = 0: expected true or false",
  ]);
});

test("a level's target names a node: one BMC per machine in one shared config, each node fencing with its peer's", () => {
  const bmc = (target: string, host: string) =>
    `[[fencing.level]]\ntype = "ipmi"\ntarget = "${target}"\nhost = "${host}"\nuser = "admin"\npassword_file = "/etc/pw"\n`;
  const text = `${BASE}${bmc("a", "10.0.9.1")}${bmc("b", "10.0.9.2")}[[fencing.level]]\ntype = "peer-request"\n`;
  const c = configOf(text);
  const hosts = (n: string) => levelsFor(c.fencing.level, n).map((l) => (l.type === "ipmi" ? l.host : l.type));
  assert.equal(hosts("a"), ["10.0.9.1", "peer-request"], "what fences a: a's BMC, then the untargeted level");
  assert.equal(hosts("b"), ["10.0.9.2", "peer-request"]);
  assert.equal(errorsOf(`${BASE}${bmc("c", "10.0.9.3")}`), [
    't.toml:13: fencing.level[0].target = "c": expected the name of a [[node]] (a, b)',
  ]);
  assert.equal(errorsOf(`${BASE}${bmc("a b", "10.0.9.3")}`), [
    't.toml:13: fencing.level[0].target = "a b": expected a node name of 1-32 characters [A-Za-z0-9_.-]',
  ]);
  const onlyA = warningsOf(`${BASE}${bmc("a", "10.0.9.1")}`).join("\n");
  assert.match(onlyA, /no fence level can fence node b \(every level names another target\)/);
  assert.not.match(onlyA, /fence node a /);
});

test("one BMC powers one machine: the same address for two targets is refused; a BMC level without target warns", () => {
  const bmc = (target: string | null, host: string) =>
    `[[fencing.level]]\ntype = "ipmi"\n${target ? `target = "${target}"\n` : ""}host = "${host}"\nuser = "admin"\npassword_file = "/etc/pw"\n`;
  assert.equal(errorsOf(`${BASE}${bmc("a", "10.0.9.1")}${bmc("b", "10.0.9.1")}`), [
    't.toml:20: fencing.level[1].host = "10.0.9.1": expected another BMC than fencing.level[0] (one BMC powers one machine; this level fences b, that one a)',
  ]);
  assert.equal(
    errorsOf(`${BASE}${bmc("a", "10.0.9.1")}${bmc("a", "10.0.9.1")}`),
    [],
    "the same BMC twice for one node: allowed",
  );
  assert.match(
    warningsOf(`${BASE}${bmc(null, "10.0.9.1")}`).join("\n"),
    /fencing\.level\[0\]: a ipmi level without target: both nodes read this config/,
  );
});

test("poison-pill levels aimed at different nodes share one set of timers, as the disk header does", () => {
  const pill = (target: string, msgwait: number, wt: number) =>
    `[[fencing.level]]\ntype = "poison-pill"\ntarget = "${target}"\nmsgwait = ${msgwait}\nwatchdog_timeout = ${wt}\n`;
  assert.equal(errorsOf(`${BASE}${WITH_DISK}${pill("a", 10000, 5)}${pill("b", 30000, 15)}`), [
    "t.toml:22: fencing.level[1].msgwait = 30000: expected 10000, as fencing.level[0] (the shared disk's header holds one set of pill timers for both nodes)",
    "t.toml:23: fencing.level[1].watchdog_timeout = 15: expected 5, as fencing.level[0] (the shared disk's header holds one set of pill timers for both nodes)",
  ]);
  assert.equal(errorsOf(`${BASE}${WITH_DISK}${pill("a", 10000, 5)}${pill("b", 10000, 5)}`), []);
});

test.run();
