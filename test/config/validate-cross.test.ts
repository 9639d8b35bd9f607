import { test } from "uvu";
import * as assert from "uvu/assert";
import { BASE, configOf, errorsOf } from "./helpers.ts";

const NODES_NO_ADDR = `[cluster]\nname = "t"\n[[node]]\nname = "a"\n[[node]]\nname = "b"\n`;
// BASE is 10 lines long, so a [timers] appended to it is on line 11.
const timers = (body: string) => `${BASE}[timers]\n${body}\n`;

test("deadtime must exceed twice the keepalive", () => {
  assert.equal(errorsOf(timers("keepalive = 200\ndeadtime = 400\nwarntime = 300")), [
    "t.toml:13: timers.deadtime = 400: expected an integer greater than 2 x timers.keepalive (2 x 200 = 400)",
  ]);
});

test("a default that breaks a cross-check is marked (default) and points at the key that broke it", () => {
  assert.equal(errorsOf(timers("keepalive = 3000")), [
    "t.toml:12: timers.deadtime = 5000 (default): expected an integer greater than 2 x timers.keepalive (2 x 3000 = 6000)",
    "t.toml:12: timers.warntime = 2000 (default): expected an integer greater than timers.keepalive (3000)",
  ]);
});

test("warntime must lie between keepalive and deadtime", () => {
  assert.equal(errorsOf(timers("warntime = 150")), [
    "t.toml:12: timers.warntime = 150: expected an integer greater than timers.keepalive (200)",
  ]);
  assert.equal(errorsOf(timers("warntime = 5000")), [
    "t.toml:12: timers.warntime = 5000: expected an integer less than timers.deadtime (5000)",
  ]);
});

test("initdead must be at least deadtime", () => {
  assert.equal(errorsOf(timers("deadtime = 8000\ninitdead = 7999")), [
    "t.toml:13: timers.initdead = 7999: expected an integer of at least timers.deadtime (8000)",
  ]);
});

test("handoff_grace must be at least deadtime and at most 120000", () => {
  assert.equal(errorsOf(timers("handoff_grace = 4000")), [
    "t.toml:12: timers.handoff_grace = 4000: expected an integer of at least timers.deadtime (5000) and at most 120000",
  ]);
  assert.equal(errorsOf(timers("handoff_grace = 120001")), [
    "t.toml:12: timers.handoff_grace = 120001: expected an integer from 30 to 120000 (milliseconds)",
  ]);
});

test("a timer that already failed is not used to judge the others", () => {
  assert.equal(errorsOf(timers("keepalive = 5\ndeadtime = 300")), [
    "t.toml:12: timers.keepalive = 5: expected an integer from 10 to 60000 (milliseconds)",
    "t.toml:13: timers.warntime = 2000 (default): expected an integer less than timers.deadtime (300)",
  ]);
});

test("node names, disk slots and addresses must differ", () => {
  const text = `[cluster]\nname = "t"\n[[node]]\nname = "a"\naddress = "10.0.0.1"\ndisk_slot = 1\n[[node]]\nname = "a"\naddress = "10.0.0.1"\n`;
  assert.equal(errorsOf(text), [
    "t.toml:7: node[1].disk_slot = 1 (default): expected a value different from node[0].disk_slot (1)",
    't.toml:8: node[1].name = "a": expected a value different from node[0].name ("a")',
    't.toml:9: node[1].address = "10.0.0.1": expected a value different from node[0].address ("10.0.0.1")',
  ]);
});

test("addresses are required while the udp channel is enabled, and only then", () => {
  assert.equal(errorsOf(NODES_NO_ADDR), [
    "t.toml:3: node[0].address: missing; expected an IPv4 or IPv6 address literal (required because channels.udp is enabled)",
    "t.toml:5: node[1].address: missing; expected an IPv4 or IPv6 address literal (required because channels.udp is enabled)",
  ]);
  assert.equal(configOf(`${NODES_NO_ADDR}[channels.udp]\nenabled = false\n`).node[0].address, undefined);
});

test("the disk channel needs a device when enabled", () => {
  assert.equal(errorsOf(`${BASE}[channels.disk]\nenabled = true\n`), [
    "t.toml:11: channels.disk.device: missing; expected an absolute path to the shared block device (required because channels.disk is enabled)",
  ]);
});

test("at least one channel must be enabled", () => {
  const text = `${NODES_NO_ADDR}[channels.serial]\nenabled = false\n[channels.udp]\nenabled = false\n`;
  assert.equal(errorsOf(text), [
    "t.toml:7: channels: no heartbeat channel is enabled; expected at least one of channels.serial, channels.udp, channels.disk with enabled = true",
  ]);
});

test("tcp_listen requires a token file and TLS material", () => {
  assert.equal(errorsOf(`${BASE}[management]\ntcp_listen = "0.0.0.0:7440"\ntoken_file = "/etc/clusterguard/token"\n`), [
    "t.toml:11: management.tls_cert: missing; expected an absolute path (required because management.tcp_listen is set)",
    "t.toml:11: management.tls_key: missing; expected an absolute path (required because management.tcp_listen is set)",
  ]);
});

test("web.listen requires its TLS material and the management token, on an address of its own", () => {
  assert.equal(errorsOf(`${BASE}[web]\nlisten = "0.0.0.0:7443"\n`), [
    "t.toml:11: web.tls_cert: missing; expected an absolute path (required because web.listen is set)",
    "t.toml:11: web.tls_key: missing; expected an absolute path (required because web.listen is set)",
    `t.toml:12: web.listen = "0.0.0.0:7443": expected management.token_file set as well: the console logs in with that token`,
  ]);
  const same = `${BASE}[management]\ntcp_listen = "0.0.0.0:7440"\ntoken_file = "/t"\ntls_cert = "/c"\ntls_key = "/k"\n[web]\nlisten = "0.0.0.0:7440"\ntls_cert = "/c"\ntls_key = "/k"\n`;
  assert.equal(errorsOf(same), [
    `t.toml:17: web.listen = "0.0.0.0:7440": expected an address other than management.tcp_listen's`,
  ]);
  assert.equal(errorsOf(`${BASE}[web]\nsession_timeout = 2\n`), [
    "t.toml:12: web.session_timeout = 2: expected an integer from 5 to 86400 (seconds)",
  ]);
});

test("a monitor's timeout must be shorter than its interval, and monitor names must differ", () => {
  const text = `${BASE}[[monitor]]\nname = "w"\nplugin = "systemd"\ninterval = 1000\ntimeout = 1000\n[[monitor]]\nname = "w"\nplugin = "systemd"\n`;
  assert.equal(errorsOf(text), [
    "t.toml:15: monitor[0].timeout = 1000: expected an integer less than monitor[0].interval (1000)",
    't.toml:17: monitor[1].name = "w": expected a value different from monitor[0].name',
  ]);
});

test.run();
