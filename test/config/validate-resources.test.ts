// [[resource]]: each type's keys and defaults, derived names, bad values, and the cross-checks on names and addresses.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renderEffective } from "../../src/config/effective.ts";
import { loadConfigText } from "../../src/config/load.ts";
import { BASE, configOf, errorsOf } from "./helpers.ts";

// BASE is 10 lines; these helpers put the first [[resource]] on line 11.
const resource = (body: string) => `${BASE}[[resource]]\n${body}\n`;
const TYPES = '"ip", "mount", "unit"';

test("each resource type fills in its defaults, and ip and mount get derived names", () => {
  const text = `${BASE}
[[resource]]
type = "ip"
address = "10.0.0.50/24"
interface = "eth0"
[[resource]]
type = "ip"
name = "v6 service address"
address = "fd00::50/64"
interface = "eth0"
arp_count = 0
[[resource]]
type = "mount"
device = "/dev/disk/by-label/data"
target = "/srv/data"
[[resource]]
type = "mount"
device = "UUID=0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"
target = "/srv/logs"
fstype = "xfs"
options = "rw,noatime"
timeout = 60000
[[resource]]
type = "unit"
name = "postgresql@15-main.service"
`;
  assert.equal(configOf(text).resource, [
    { type: "ip", name: "ip 10.0.0.50/24", address: "10.0.0.50/24", interface: "eth0", arp_count: 3, timeout: 20000 },
    { type: "ip", name: "v6 service address", address: "fd00::50/64", interface: "eth0", arp_count: 0, timeout: 20000 },
    {
      type: "mount",
      name: "mount /srv/data",
      device: "/dev/disk/by-label/data",
      target: "/srv/data",
      fstype: "auto",
      options: "defaults",
      timeout: 20000,
    },
    {
      type: "mount",
      name: "mount /srv/logs",
      device: "UUID=0a1b2c3d-aaaa-bbbb-cccc-0123456789ab",
      target: "/srv/logs",
      fstype: "xfs",
      options: "rw,noatime",
      timeout: 60000,
    },
    { type: "unit", name: "postgresql@15-main.service", timeout: 20000 },
  ]);
});

test("no [[resource]] at all is an empty list", () => {
  assert.equal(configOf(BASE).resource, []);
});

test("a missing or unknown resource type lists the known types", () => {
  assert.equal(errorsOf(resource('address = "10.0.0.50/24"')), [
    `t.toml:11: resource[0].type: missing; expected one of ${TYPES}`,
  ]);
  assert.equal(errorsOf(resource('type = "vip"')), [`t.toml:12: resource[0].type = "vip": expected one of ${TYPES}`]);
});

test("keys that belong to another resource type are unknown keys for this type", () => {
  assert.equal(errorsOf(resource('type = "unit"\nname = "nginx.service"\ntarget = "/srv"')), [
    't.toml:14: resource[0].target: unknown key for type = "unit"; expected one of: type, name, timeout',
  ]);
  assert.equal(errorsOf(resource('type = "ip"\naddress = "10.0.0.50/24"\ninterface = "eth0"\nfstype = "ext4"')), [
    't.toml:15: resource[0].fstype: unknown key for type = "ip"; expected one of: type, name, address, interface, arp_count, timeout',
  ]);
});

test("required keys are named with what they expect", () => {
  assert.equal(errorsOf(resource('type = "ip"')), [
    't.toml:11: resource[0].address: missing; expected an IPv4 or IPv6 address with a /prefix (like "10.0.0.5/24" or "fd00::5/64")',
    "t.toml:11: resource[0].interface: missing; expected a network interface name of 1-15 characters [A-Za-z0-9_.:-]",
  ]);
  assert.equal(errorsOf(resource('type = "mount"')), [
    "t.toml:11: resource[0].device: missing; expected an absolute device path (starting with /), LABEL=... or UUID=...",
    "t.toml:11: resource[0].target: missing; expected an absolute path (starting with /)",
  ]);
  assert.equal(errorsOf(resource('type = "unit"')), [
    't.toml:11: resource[0].name: missing; expected a systemd unit name like "nginx.service" (a startable unit type, not starting with "-")',
  ]);
});

test("an ip address needs a prefix in range, no zone; the interface a valid name; arp_count and timeout their ranges", () => {
  const ip = (address: string, extra = "") =>
    errorsOf(resource(`type = "ip"\naddress = "${address}"\ninterface = "eth0"${extra}`));
  const cidr = 'expected an IPv4 or IPv6 address with a /prefix (like "10.0.0.5/24" or "fd00::5/64")';
  assert.equal(ip("10.0.0.50"), [`t.toml:13: resource[0].address = "10.0.0.50": ${cidr}`]);
  assert.equal(ip("10.0.0.50/33"), [`t.toml:13: resource[0].address = "10.0.0.50/33": ${cidr}`]);
  assert.equal(ip("fd00::50/129"), [`t.toml:13: resource[0].address = "fd00::50/129": ${cidr}`]);
  assert.equal(ip("fe80::50%eth0/64"), [`t.toml:13: resource[0].address = "fe80::50%eth0/64": ${cidr}`]);
  assert.equal(ip("10.0.0.256/24"), [`t.toml:13: resource[0].address = "10.0.0.256/24": ${cidr}`]);
  assert.equal(ip("10.0.0.50/24", "\narp_count = 101\ntimeout = 99"), [
    "t.toml:15: resource[0].arp_count = 101: expected an integer from 0 to 100",
    "t.toml:16: resource[0].timeout = 99: expected an integer from 100 to 600000 (milliseconds)",
  ]);
  assert.equal(errorsOf(resource('type = "ip"\naddress = "10.0.0.50/24"\ninterface = "a-very-long-interface"')), [
    't.toml:14: resource[0].interface = "a-very-long-interface": expected a network interface name of 1-15 characters [A-Za-z0-9_.:-]',
  ]);
});

test("a mount needs an absolute or LABEL=/UUID= device, an absolute target, a plain fstype and options without spaces", () => {
  const text = resource(
    'type = "mount"\ndevice = "sdb1"\ntarget = "srv/data"\nfstype = "ext4 -o bind"\noptions = "rw, noatime"',
  );
  assert.equal(errorsOf(text), [
    't.toml:13: resource[0].device = "sdb1": expected an absolute device path (starting with /), LABEL=... or UUID=...',
    't.toml:14: resource[0].target = "srv/data": expected an absolute path (starting with /)',
    't.toml:15: resource[0].fstype = "ext4 -o bind": expected a file system type of 1-64 characters [A-Za-z0-9_.+-] (like "ext4" or "auto")',
    't.toml:16: resource[0].options = "rw, noatime": expected mount options: 1-1024 printable characters without spaces (like "rw,noatime")',
  ]);
  assert.equal(errorsOf(resource('type = "mount"\ndevice = "UUID=not a uuid"\ntarget = "/srv"')).length, 1);
  assert.equal(errorsOf(resource('type = "mount"\ndevice = "LABEL=shared data"\ntarget = "/srv"')), []);
});

test("a unit name must be a startable systemd unit and can never pass as an option", () => {
  const unit = (name: string) => errorsOf(resource(`type = "unit"\nname = "${name}"`));
  const expected = 'expected a systemd unit name like "nginx.service" (a startable unit type, not starting with "-")';
  for (const bad of ["nginx", "--now.service", "-.mount", "system.slice", "a b.service"]) {
    assert.equal(unit(bad), [`t.toml:13: resource[0].name = "${bad}": ${expected}`], bad);
  }
  for (const good of ["nginx.service", "getty@tty1.service", "srv-data.mount", "multi-user.target", "x\\\\x2dy.socket"])
    assert.equal(unit(good), [], good);
});

test("a resource name has no control characters and at most 128 characters", () => {
  const named = (name: string) =>
    errorsOf(resource(`type = "ip"\nname = "${name}"\naddress = "10.0.0.50/24"\ninterface = "eth0"`));
  assert.equal(named("service address"), []);
  assert.equal(named("tab\\there"), [
    't.toml:13: resource[0].name = "tab\\there": expected a resource name of 1-128 characters without control characters',
  ]);
  assert.equal(named("x".repeat(129)).length, 1);
});

test("a derived name never carries control characters and is at most 128 characters, so it reads back", () => {
  const long = `/srv/${"d".repeat(200)}`;
  const config = configOf(
    `${BASE}[[resource]]\ntype = "mount"\ndevice = "/dev/sdb1"\ntarget = "/srv/a\\tb"\n[[resource]]\ntype = "mount"\ndevice = "/dev/sdc1"\ntarget = "${long}"\n`,
  );
  assert.equal(
    config.resource.map((r) => r.name),
    ["mount /srv/a?b", `mount ${long}`.slice(0, 128)],
  );
  const again = loadConfigText(renderEffective(config), "rendered.toml");
  assert.ok(again.ok);
  if (again.ok) assert.equal(again.config.resource, config.resource);
});

test("names must differ, whether given or derived", () => {
  const two = `${BASE}
[[resource]]
type = "ip"
address = "10.0.0.50/24"
interface = "eth0"
[[resource]]
type = "ip"
address = "10.0.0.50/24"
interface = "eth1"
[[resource]]
type = "mount"
name = "data"
device = "/dev/sdb1"
target = "/srv/a"
[[resource]]
type = "mount"
name = "data"
device = "/dev/sdc1"
target = "/srv/b"
[[resource]]
type = "unit"
name = "nginx.service"
[[resource]]
type = "unit"
name = "nginx.service"
`;
  assert.equal(errorsOf(two), [
    't.toml:16: resource[1].name = "ip 10.0.0.50/24" (default): expected a value different from resource[0].name; give one of them a name',
    't.toml:27: resource[3].name = "data": expected a value different from resource[2].name; give one of them a name',
    't.toml:35: resource[5].name = "nginx.service": expected a value different from resource[4].name',
  ]);
});

test("an ip resource may not take a node's heartbeat address, however it is spelled", () => {
  assert.equal(errorsOf(resource('type = "ip"\naddress = "10.0.0.2/24"\ninterface = "eth0"')), [
    't.toml:13: resource[0].address = "10.0.0.2/24": expected an address other than node[1].address (10.0.0.2): a heartbeat address stays with its node, a takeover address moves',
  ]);
  const v6 = BASE.replace('address = "10.0.0.1"', 'address = "fd00::1"');
  assert.equal(errorsOf(`${v6}[[resource]]\ntype = "ip"\naddress = "fd00:0:0::1/64"\ninterface = "eth0"\n`), [
    't.toml:13: resource[0].address = "fd00:0:0::1/64": expected an address other than node[0].address (fd00::1): a heartbeat address stays with its node, a takeover address moves',
  ]);
  assert.equal(errorsOf(resource('type = "ip"\naddress = "10.0.0.3/24"\ninterface = "eth0"')), []);
});

test("the effective config lists every resource with its defaults, and reads back the same", () => {
  const text = `${BASE}[[resource]]\ntype = "ip"\naddress = "10.0.0.50/24"\ninterface = "eth0"\n[[resource]]\ntype = "mount"\ndevice = "LABEL=data"\ntarget = "/srv/data"\n[[resource]]\ntype = "unit"\nname = "nginx.service"\n`;
  const config = configOf(text);
  const out = renderEffective(config);
  for (const line of [
    'type = "ip"',
    'name = "ip 10.0.0.50/24"',
    "arp_count = 3",
    'fstype = "auto"',
    'options = "defaults"',
    'name = "nginx.service"',
    "timeout = 20000",
  ]) {
    assert.ok(out.includes(`\n${line}  #`), `missing ${line} in:\n${out}`);
  }
  assert.is(out.split("\n[[resource]]\n").length, 4, out);
  const again = loadConfigText(out, "rendered.toml");
  assert.ok(again.ok, out);
  if (again.ok) assert.equal(again.config.resource, config.resource);
  assert.ok(renderEffective(configOf(BASE)).includes("# no [[resource]] ("));
});

test.run();
