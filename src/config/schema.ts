// The one schema of clusterguard.toml, as data: validation and the effective-config printer both walk it.
import { AGENTS } from "./schema-agents.ts";
import { IFNAME, isHostPort, isIpLiteral } from "./schema-checks.ts";
import { FENCING } from "./schema-fencing.ts";
import { absPath, ms, name } from "./schema-fields.ts";
import { RESOURCES } from "./schema-resources.ts";
import type { TableSpec } from "./schema-types.ts";

export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;

const NODE: TableSpec = {
  type: "table",
  doc: "one cluster node",
  fields: {
    name: name("node", "node name (rd.clusterguard.node= selects it)"),
    priority: { type: "int", doc: "higher wins the ACTIVE role; equal priorities are broken by name", min: 0, max: 1000, default: 100 },
    address: {
      type: "string",
      doc: "heartbeat address on the crossover link (required when channels.udp is enabled)",
      check: isIpLiteral,
      expect: "an IPv4 or IPv6 address literal",
    },
    disk_slot: { type: "int", doc: "heartbeat slot on the shared disk", min: 0, max: 1, default: "index" },
  },
};

const TIMERS: TableSpec = {
  type: "table",
  doc: "heartbeat timing (Linux-HA heartbeat semantics)",
  fields: {
    keepalive: ms("interval between heartbeats", 200, 10, 60000),
    warntime: ms("silence after which a late-heartbeat warning is logged", 2000, 10, 600000),
    deadtime: ms("silence on all links after which the peer is declared dead", 5000, 30, 600000),
    initdead: ms("deadtime used right after boot", 10000, 30, 3600000),
    handoff_grace: ms("quiet period an ACTIVE may announce while switching from the initrd to the real root", 15000, 30, 120000),
  },
};

const CHANNELS: TableSpec = {
  type: "table",
  doc: "heartbeat links",
  fields: {
    serial: {
      type: "table",
      doc: "null-modem serial link",
      fields: {
        enabled: { type: "bool", doc: "use this link", default: true },
        device: absPath("serial device", "/dev/ttyS1"),
        baud: { type: "enum", doc: "line speed", values: BAUD_RATES, default: 115200 },
      },
    },
    udp: {
      type: "table",
      doc: "UDP heartbeats on the crossover Ethernet link",
      fields: {
        enabled: { type: "bool", doc: "use this link", default: true },
        port: { type: "int", doc: "UDP port", min: 1, max: 65535, default: 694 },
        interface: { type: "string", doc: "bind to this network interface", pattern: IFNAME, expect: "a network interface name of 1-15 characters [A-Za-z0-9_.:-]" },
        broadcast: { type: "bool", doc: "send to the broadcast address instead of the peer's address", default: false },
      },
    },
    disk: {
      type: "table",
      doc: "heartbeat slots on the shared disk",
      fields: {
        enabled: { type: "bool", doc: "use this link", default: false },
        device: absPath("shared block device (required when enabled)"),
        offset: { type: "int", doc: "start of the heartbeat area", min: 0, max: Number.MAX_SAFE_INTEGER, multipleOf: 4096, unit: "bytes", default: 0 },
      },
    },
  },
};

const MANAGEMENT: TableSpec = {
  type: "table",
  doc: "management interface",
  fields: {
    socket: absPath("local control socket", "/run/clusterguard/clusterguard.sock"),
    tcp_listen: { type: "string", doc: "also listen on TCP (TLS)", check: isHostPort, expect: 'a "host:port" or "[ipv6]:port" with port 1-65535' },
    token_file: absPath("file holding the access token (required with tcp_listen)", undefined, { secret: "path" }),
    tls_cert: absPath("TLS certificate (required with tcp_listen)"),
    tls_key: absPath("TLS private key (required with tcp_listen)", undefined, { secret: "path" }),
  },
};

/** The root of clusterguard.toml. */
export const SCHEMA: TableSpec = {
  type: "table",
  doc: "clusterguard configuration",
  fields: {
    cluster: { type: "table", doc: "cluster identity", fields: { name: name("cluster", "cluster name; frames from other clusters are ignored") } },
    node: { type: "list", doc: "the two nodes", item: NODE, min: 2, max: 2, expect: "exactly two [[node]] tables, one per cluster node" },
    timers: TIMERS,
    channels: CHANNELS,
    fencing: FENCING,
    management: MANAGEMENT,
    agent: AGENTS,
    resource: RESOURCES,
  },
};
