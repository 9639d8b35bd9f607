// [cluster], the two [[node]] tables and [timers]: who the nodes are and how fast they judge each other's silence.
// Cross-checks: the nodes' names, disk slots and addresses differ, each has an address when the udp channel is on;
// the timers relate as Linux-HA heartbeat's do.
import { showValue } from "../toml-tokens.ts";
import type { Checker, ConfigDraft } from "../validate.ts";
import { NODE_FENCING_FIELDS } from "./fencing-network.ts";
import { MAC, isIpLiteral } from "./shapes.ts";
import { ms, name, type ListSpec, type TableSpec } from "./spec.ts";

/** [cluster] */
export const CLUSTER: TableSpec = {
  type: "table",
  doc: "cluster identity",
  fields: { name: name("cluster", "cluster name; frames from other clusters are ignored") },
};

const NODE: TableSpec = {
  type: "table",
  doc: "one cluster node",
  fields: {
    name: name("node", "node name (rd.clusterguard.node= selects it)"),
    priority: {
      type: "int",
      doc: "higher wins the ACTIVE role; equal priorities are broken by name",
      min: 0,
      max: 1000,
      default: 100,
    },
    address: {
      type: "string",
      doc: "heartbeat address on the crossover link (required when channels.udp is enabled)",
      check: isIpLiteral,
      expect: "an IPv4 or IPv6 address literal",
    },
    disk_slot: { type: "int", doc: "heartbeat slot on the shared disk", min: 0, max: 1, default: "index" },
    machine_uuid: {
      type: "string",
      doc: "this node's machine: its SMBIOS system UUID (/sys/class/dmi/id/product_uuid); a machine whose UUID is the other node's never runs as this one",
      check: (v) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v),
      expect: "a UUID such as 4c4c4544-0042-3510-8052-b4c04f563532",
    },
    machine_mac: {
      type: "string",
      doc: "this node's machine: the MAC address of one of its NICs (/sys/class/net/*/address)",
      check: (v) => MAC.test(v),
      expect: "a MAC address such as 52:54:00:12:34:56",
    },
    ...NODE_FENCING_FIELDS,
  },
};

/** [[node]] */
export const NODES: ListSpec = {
  type: "list",
  doc: "the two nodes",
  item: NODE,
  min: 2,
  max: 2,
  expect: "exactly two [[node]] tables, one per cluster node",
};

/** [timers] */
export const TIMERS: TableSpec = {
  type: "table",
  doc: "heartbeat timing (Linux-HA heartbeat semantics)",
  fields: {
    keepalive: ms("interval between heartbeats", 200, 10, 60000),
    warntime: ms("silence after which a late-heartbeat warning is logged", 2000, 10, 600000),
    deadtime: ms("silence on all links after which the peer is declared dead", 5000, 30, 600000),
    initdead: ms("deadtime used right after boot", 10000, 30, 3600000),
    handoff_grace: ms(
      "quiet period an ACTIVE may announce while switching from the initrd to the real root",
      15000,
      30,
      120000,
    ),
  },
};

const DISTINCT = ["name", "disk_slot", "address", "machine_uuid", "machine_mac", "fencing_mac"] as const;

/** Names, disk slots, addresses and machines differ; each node has an address when udp is enabled. */
export function checkNodes(d: ConfigDraft, ck: Checker): void {
  const nodes = d.node ?? [];
  for (const field of DISTINCT) {
    nodes.forEach((b, j) => {
      const same = (x: unknown, y: unknown) =>
        typeof x === "string" && typeof y === "string" ? x.toLowerCase() === y.toLowerCase() : x === y;
      const i = nodes.findIndex((a) => a?.[field] !== undefined && same(a[field], b?.[field]));
      if (i >= 0 && i < j) {
        ck.cross(
          ["node", j, field],
          b?.[field],
          `a value different from node[${i}].${field} (${showValue(b?.[field])})`,
        );
      }
    });
  }
  if (d.channels?.udp?.enabled !== true) return;
  nodes.forEach((n, i) => {
    if (n !== undefined && n.address === undefined && !ck.isInvalid(["node", i, "address"])) {
      ck.missing(["node", i, "address"], "an IPv4 or IPv6 address literal (required because channels.udp is enabled)");
    }
  });
}

// Cross-checks between timers, as Linux-HA heartbeat does them.

type TimerKey = keyof NonNullable<ConfigDraft["timers"]>;
const at = (key: TimerKey) => ["timers", key];

/** deadtime > 2 x keepalive; keepalive < warntime < deadtime; initdead >= deadtime; handoff_grace >= deadtime. */
export function checkTimers(d: ConfigDraft, ck: Checker): void {
  // A timer that already failed a check is not used to judge the others (no cascades), hence re-reads.
  const get = (key: TimerKey): number | undefined => {
    const v = d.timers?.[key];
    return typeof v === "number" && !ck.isInvalid(at(key)) ? v : undefined;
  };
  const k = get("keepalive");
  const dead0 = get("deadtime");
  if (k !== undefined && dead0 !== undefined && !(dead0 > 2 * k)) {
    ck.cross(at("deadtime"), dead0, `an integer greater than 2 x timers.keepalive (2 x ${k} = ${2 * k})`, [
      at("keepalive"),
    ]);
  }
  const warn0 = get("warntime");
  if (k !== undefined && warn0 !== undefined && !(warn0 > k)) {
    ck.cross(at("warntime"), warn0, `an integer greater than timers.keepalive (${k})`, [at("keepalive")]);
  }
  const dead = get("deadtime");
  if (dead === undefined) return;
  const warn = get("warntime");
  if (warn !== undefined && !(warn < dead)) {
    ck.cross(at("warntime"), warn, `an integer less than timers.deadtime (${dead})`, [at("deadtime")]);
  }
  const init = get("initdead");
  if (init !== undefined && init < dead) {
    ck.cross(at("initdead"), init, `an integer of at least timers.deadtime (${dead})`, [at("deadtime")]);
  }
  const grace = get("handoff_grace");
  if (grace !== undefined && grace < dead) {
    ck.cross(at("handoff_grace"), grace, `an integer of at least timers.deadtime (${dead}) and at most 120000`, [
      at("deadtime"),
    ]);
  }
}
