import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { NOTIFY_EVENTS } from "../../src/config/schema/notify.ts";
import type { ClusterConfig } from "../../src/config/types.ts";
import { BASE, FIXTURES, configOf } from "./helpers.ts";

const DEFAULT_CHANNELS = {
  serial: { enabled: true, device: "/dev/ttyS1", baud: 115200 },
  udp: { enabled: true, port: 694, broadcast: false },
  disk: { enabled: false, offset: 0 },
} as const;

test("good.toml loads into the complete typed config without warnings", () => {
  const r = loadConfig(join(FIXTURES, "good.toml"));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  assert.equal(r.warnings, []);
  const expected: ClusterConfig = {
    cluster: { name: "lab" },
    node: [
      { name: "a", priority: 200, address: "192.168.100.1", disk_slot: 0 },
      { name: "b", priority: 100, address: "192.168.100.2", disk_slot: 1 },
    ],
    timers: { keepalive: 200, warntime: 1000, deadtime: 3000, initdead: 10000, handoff_grace: 15000 },
    channels: {
      serial: { enabled: true, device: "/dev/ttyS1", baud: 115200 },
      udp: { enabled: true, port: 694, interface: "eth1", broadcast: false },
      disk: { enabled: true, device: "/dev/vdb", offset: 0 },
    },
    fencing: {
      delay: 5000,
      timeout: 30000,
      wait_for_all: true,
      network: {},
      level: [
        { type: "qmp", device: "/dev/virtio-ports/org.clusterguard.fence", action: "reset" },
        { type: "poison-pill", msgwait: 10000, watchdog_device: "/dev/watchdog", watchdog_timeout: 5 },
      ],
    },
    management: { socket: "/run/clusterguard/clusterguard.sock" },
    web: { session_timeout: 1800 },
    monitor: [
      {
        name: "web",
        plugin: "http",
        interval: 10000,
        timeout: 5000,
        rise: 2,
        fall: 3,
        max_restarts: 3,
        restart_window: 600000,
        on_fail: "failover",
        params: { url: "http://127.0.0.1/health", expect_status: 200, insecure: false },
      },
    ],
    resource: [
      {
        type: "ip",
        name: "ip 192.168.122.50/24",
        address: "192.168.122.50/24",
        interface: "eth0",
        arp_count: 3,
        timeout: 20000,
      },
      {
        type: "mount",
        name: "data",
        device: "LABEL=shared-data",
        target: "/srv/data",
        fstype: "ext4",
        options: "rw,noatime",
        timeout: 20000,
      },
      { type: "unit", name: "nginx.service", timeout: 30000 },
    ],
    notify: [
      {
        command: "/usr/local/sbin/cg-notify --to 'ops team'",
        events: ["role", "fence-failed", "activation-blocked"],
        timeout: 3000,
      },
    ],
  };
  assert.equal(r.config, expected);
});

test("minimal.toml gets the documented defaults for everything it leaves out", () => {
  const r = loadConfig(join(FIXTURES, "minimal.toml"));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const expected: ClusterConfig = {
    cluster: { name: "mini" },
    node: [
      { name: "a", priority: 100, address: "192.168.100.1", disk_slot: 0 },
      { name: "b", priority: 100, address: "192.168.100.2", disk_slot: 1 },
    ],
    timers: { keepalive: 200, warntime: 2000, deadtime: 5000, initdead: 10000, handoff_grace: 15000 },
    channels: structuredClone(DEFAULT_CHANNELS) as ClusterConfig["channels"],
    fencing: { delay: 5000, timeout: 30000, wait_for_all: true, network: {}, level: [] },
    management: { socket: "/run/clusterguard/clusterguard.sock" },
    web: { session_timeout: 1800 },
    monitor: [],
    resource: [],
    notify: [],
  };
  assert.equal(r.config, expected);
});

test("a [[notify]] hook without events runs on every notifiable event, with a 5 s timeout", () => {
  const config = configOf(`${BASE}[[notify]]\ncommand = "/usr/local/bin/hook"\n`);
  assert.equal(config.notify, [{ command: "/usr/local/bin/hook", events: Object.keys(NOTIFY_EVENTS), timeout: 5000 }]);
  assert.ok(config.notify[0]?.events.includes("role") && config.notify[0].events.includes("link-down"));
});

test("a monitor's optional keys take their documented defaults", () => {
  const config = configOf(`${BASE}[[monitor]]\nname = "db"\nplugin = "/usr/lib/clusterguard/pg"\n`);
  assert.equal(config.monitor, [
    {
      name: "db",
      plugin: "/usr/lib/clusterguard/pg",
      interval: 10000,
      timeout: 5000,
      rise: 1,
      fall: 3,
      max_restarts: 3,
      restart_window: 600000,
      on_fail: "restart",
      params: {},
    },
  ]);
});

test("disk_slot defaults to the node's position and equal priorities are allowed", () => {
  const config = configOf(BASE);
  assert.equal(
    config.node.map((n) => [n.priority, n.disk_slot]),
    [
      [100, 0],
      [100, 1],
    ],
  );
});

test.run();
