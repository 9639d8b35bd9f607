import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatConfigError } from "../../src/config/load.ts";
import { parse } from "../../src/config/toml.ts";
import { validate } from "../../src/config/validate.ts";
import { BASE, errorsOf } from "./helpers.ts";

test("an unknown key names its line and lists the keys that are allowed", () => {
  assert.equal(errorsOf(`${BASE}[channels.udp]\nport = 694\nprot = 695\n`), [
    "t.toml:13: channels.udp.prot: unknown key; expected one of: enabled, port, interface, broadcast",
  ]);
});

test("unknown tables and top-level keys are errors too", () => {
  assert.equal(errorsOf(`color = "red"\n${BASE}[timer]\nkeepalive = 100\n`), [
    "t.toml:1: color: unknown key; expected one of: cluster, node, timers, channels, fencing, management, web, monitor, resource, notify",
    "t.toml:12: timer: unknown key; expected one of: cluster, node, timers, channels, fencing, management, web, monitor, resource, notify",
  ]);
});

test("a renamed table names the file, the line, the old key and the new spelling", () => {
  const text = `${BASE}[[agent]]\nname = "web"\nplugin = "systemd"\n[[agent]]\nname = "db"\nplugin = "systemd"\n`;
  assert.equal(errorsOf(text), ["t.toml:11: [[agent]]: renamed: write [[monitor]] (the service monitors)"]);
  assert.equal(errorsOf(`agent = "web"\n${BASE}`), [
    "t.toml:1: agent: renamed: write [[monitor]] (the service monitors)",
  ]);
});

test("a missing cluster name says what a name looks like", () => {
  assert.equal(errorsOf('[[node]]\nname = "a"\naddress = "10.0.0.1"\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n'), [
    "t.toml: cluster.name: missing; expected a cluster name of 1-32 characters [A-Za-z0-9_.-]",
  ]);
});

test("wrong types name the key, the value and the expected type", () => {
  const text = `${BASE}[timers]\nkeepalive = "200"\ndeadtime = 5000.5\n[channels.serial]\nenabled = "yes"\ndevice = 7\n`;
  assert.equal(errorsOf(text), [
    't.toml:12: timers.keepalive = "200": expected an integer from 10 to 60000 (milliseconds)',
    "t.toml:13: timers.deadtime = 5000.5: expected an integer from 30 to 600000 (milliseconds)",
    't.toml:15: channels.serial.enabled = "yes": expected true or false',
    "t.toml:16: channels.serial.device = 7: expected an absolute path (starting with /)",
  ]);
});

test("a table where a value belongs, and a value where a table belongs, are refused", () => {
  assert.equal(errorsOf(`timers = 5\n${BASE}`), ["t.toml:1: timers = 5: expected a table"]);
  assert.equal(errorsOf(`${BASE}[cluster.name]\n`).length, 1);
  assert.equal(
    errorsOf(
      `[cluster]\nname = { x = 1 }\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n[[node]]\nname = "b"\naddress = "10.0.0.2"\n`,
    ),
    ["t.toml:2: cluster.name = { x = 1 }: expected a cluster name of 1-32 characters [A-Za-z0-9_.-]"],
  );
});

test("[node] instead of [[node]] and the wrong number of nodes are explained", () => {
  assert.equal(errorsOf('[cluster]\nname = "t"\n[node]\nname = "a"\n'), [
    't.toml:3: node = { name = "a" }: expected exactly two [[node]] tables, one per cluster node',
  ]);
  assert.equal(errorsOf('[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n'), [
    "t.toml:3: node: found 1; expected exactly two [[node]] tables, one per cluster node",
  ]);
  assert.equal(errorsOf('[cluster]\nname = "t"\n'), [
    "t.toml: node: missing; expected exactly two [[node]] tables, one per cluster node",
  ]);
  assert.equal(
    errorsOf(`${BASE}[[node]]\nname = "c"\naddress = "10.0.0.3"\n`)[0],
    "t.toml:4: node: found 3; expected exactly two [[node]] tables, one per cluster node",
  );
});

test("ranges, patterns, enums and multiples are enforced", () => {
  const text = `[cluster]
name = "bad name!"
[[node]]
name = "a"
priority = 1001
address = "10.0.0.256"
[[node]]
name = "b"
address = "fe80::2%eth1"
disk_slot = 2
[channels.serial]
baud = 9601
[channels.udp]
port = 0
interface = "this-name-is-too-long"
[channels.disk]
offset = 1000
`;
  assert.equal(errorsOf(text), [
    't.toml:2: cluster.name = "bad name!": expected a cluster name of 1-32 characters [A-Za-z0-9_.-]',
    "t.toml:5: node[0].priority = 1001: expected an integer from 0 to 1000",
    't.toml:6: node[0].address = "10.0.0.256": expected an IPv4 or IPv6 address literal',
    "t.toml:10: node[1].disk_slot = 2: expected an integer from 0 to 1",
    "t.toml:12: channels.serial.baud = 9601: expected one of 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600",
    "t.toml:14: channels.udp.port = 0: expected an integer from 1 to 65535",
    't.toml:15: channels.udp.interface = "this-name-is-too-long": expected a network interface name of 1-15 characters [A-Za-z0-9_.:-]',
    "t.toml:17: channels.disk.offset = 1000: expected an integer of at least 0, a multiple of 4096 (bytes)",
  ]);
});

test("management and monitor values are checked", () => {
  const text = `${BASE}[management]
socket = "relative.sock"
tcp_listen = "0.0.0.0:99999"
[[monitor]]
name = "w"
plugin = "Not A Plugin"
on_fail = "reboot"
params = { ok = "x", bad = [1], nested = { a = 1 } }
`;
  assert.equal(errorsOf(text), [
    't.toml:12: management.socket = "relative.sock": expected an absolute path (starting with /)',
    't.toml:13: management.tcp_listen = "0.0.0.0:99999": expected a "host:port" or "[ipv6]:port" with port 1-65535',
    't.toml:16: monitor[0].plugin = "Not A Plugin": expected a built-in plugin name (like "systemd") or an absolute path',
    't.toml:17: monitor[0].on_fail = "reboot": expected one of "restart", "failover", "stop"',
    "t.toml:18: monitor[0].params.bad = [1]: expected a string, a finite number or a boolean",
    "t.toml:18: monitor[0].params.nested = { a = 1 }: expected a string, a finite number or a boolean",
  ]);
});

test("at least five distinct errors in one file are all reported in one run", () => {
  const text = `[cluster]
name = ""
[[node]]
name = "a"
priority = -1
address = "10.0.0.1"
[[node]]
name = "b"
address = "10.0.0.2"
colour = "blue"
[timers]
keepalive = 200
deadtime = 300
[channels.serial]
baud = "fast"
[[fencing.level]]
type = "qmp"
`;
  assert.equal(errorsOf(text), [
    't.toml:2: cluster.name = "": expected a cluster name of 1-32 characters [A-Za-z0-9_.-]',
    "t.toml:5: node[0].priority = -1: expected an integer from 0 to 1000",
    "t.toml:10: node[1].colour: unknown key; expected one of: name, priority, address, disk_slot, machine_uuid, machine_mac, fencing_address, fencing_mac",
    "t.toml:13: timers.deadtime = 300: expected an integer greater than 2 x timers.keepalive (2 x 200 = 400)",
    't.toml:15: channels.serial.baud = "fast": expected one of 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600',
    "t.toml:16: fencing.level[0].device: missing; expected an absolute path (starting with /)",
  ]);
});

test("validate() can be called on a parsed tree directly and returns no config on errors", () => {
  const parsed = parse('[cluster]\nname = "x"\n');
  if (!parsed.ok) throw new Error("parse failed");
  const r = validate(parsed.value, parsed.lines, "/etc/clusterguard/clusterguard.toml");
  assert.is(r.config, undefined);
  assert.is(
    formatConfigError(r.errors[0]!),
    "/etc/clusterguard/clusterguard.toml: node: missing; expected exactly two [[node]] tables, one per cluster node",
  );
});

test.run();
