// The fencing network: the NIC the BMCs (ipmi, redfish levels) are reached through, which the guard brings up in the
// initrd as it does the heartbeat NIC. [fencing.network] holds what both nodes share, each [[node]] its own address
// and, optionally, its NIC by MAC. Cross-checks: both nodes have an address and a NIC, the addresses differ, the
// gateway is on their subnet; and a warning for every BMC the guard parked in a node's initrd could not reach.
import { isIP } from "node:net";
import type { Segment } from "../toml-tokens.ts";
import type { Checker, ConfigDraft } from "../validate.ts";
import { IFNAME, MAC, canonicalIp, inSubnet, isCidr, isIpLiteral, parseCidr } from "./shapes.ts";
import type { Fields, TableSpec } from "./spec.ts";

const CIDR_EXPECT = "an address with its prefix length, such as 192.168.77.2/24";

/** [fencing.network] */
export const FENCING_NETWORK: TableSpec = {
  type: "table",
  doc: "the NIC the BMCs are reached through; the guard puts each node's fencing_address on it in the initrd",
  fields: {
    interface: {
      type: "string",
      doc: "the NIC by name, on both machines (a node's fencing_mac finds it by MAC instead)",
      pattern: IFNAME,
      expect: "a network interface name of 1-15 characters [A-Za-z0-9_.:-]",
    },
    gateway: {
      type: "string",
      doc: "router to BMCs outside the fencing subnet (a route per BMC, never a default route)",
      check: isIpLiteral,
      expect: "an IPv4 or IPv6 address literal",
    },
  },
};

/** The [[node]] keys of the fencing network. */
export const NODE_FENCING_FIELDS: Fields = {
  fencing_address: {
    type: "string",
    doc: "this node's address on the fencing network ([fencing.network]), put on its NIC by the guard in the initrd",
    check: isCidr,
    expect: CIDR_EXPECT,
  },
  fencing_mac: {
    type: "string",
    doc: "this node's fencing NIC by its MAC address (interface names differ between machines)",
    check: (v) => MAC.test(v),
    expect: "a MAC address such as 52:54:00:12:34:56",
  },
};

type DraftNode = NonNullable<NonNullable<ConfigDraft["node"]>[number]>;

/** Whether anything configures the fencing network. */
export function fencingNetworkSet(d: ConfigDraft): boolean {
  const net = d.fencing?.network;
  const nodes = d.node ?? [];
  return (
    net?.interface !== undefined ||
    net?.gateway !== undefined ||
    nodes.some((n) => n?.fencing_address !== undefined || n?.fencing_mac !== undefined)
  );
}

/** Each node has an address and a NIC once the network is configured; distinct addresses; a gateway on their subnet. */
export function checkFencingNetwork(d: ConfigDraft, ck: Checker): void {
  const nodes = d.node ?? [];
  const net = d.fencing?.network;
  if (fencingNetworkSet(d)) {
    nodes.forEach((n, i) => {
      if (n === undefined) return;
      if (n.fencing_address === undefined && !ck.isInvalid(["node", i, "fencing_address"]))
        ck.missing(
          ["node", i, "fencing_address"],
          `${CIDR_EXPECT} (required because the fencing network is configured: [fencing.network] or a node's fencing_address or fencing_mac)`,
        );
      const named = net?.interface !== undefined || ck.isInvalid(["fencing", "network", "interface"]);
      if (n.fencing_mac === undefined && !named && !ck.isInvalid(["node", i, "fencing_mac"]))
        ck.missing(
          ["node", i, "fencing_mac"],
          `a MAC address such as 52:54:00:12:34:56, or fencing.network.interface: the NIC node[${i}].fencing_address goes on`,
        );
    });
  }
  const [a, b] = nodes.map((n) => parseCidr(typeof n?.fencing_address === "string" ? n.fencing_address : ""));
  if (a && b && canonicalIp(a.address) === canonicalIp(b.address)) {
    const expected = `an address different from node[0].fencing_address (${a.address})`;
    ck.cross(["node", 1, "fencing_address"], nodes[1]?.fencing_address, expected, [["node", 0, "fencing_address"]]);
  }
  const gw = net?.gateway;
  if (typeof gw !== "string") return;
  nodes.forEach((n, i) => {
    const own = parseCidr(typeof n?.fencing_address === "string" ? n.fencing_address : "");
    if (own === null || ck.isInvalid(["fencing", "network", "gateway"])) return;
    if (!inSubnet(gw, own) || canonicalIp(gw) === canonicalIp(own.address)) {
      const expected = `a router on the subnet of node[${i}].fencing_address (${n?.fencing_address}), not the node itself`;
      ck.cross(["fencing", "network", "gateway"], gw, expected, [["node", i, "fencing_address"]]);
    }
  });
}

/** Warn about each BMC that the guard parked in a node's initrd could not reach. */
export function warnUnreachableBmcs(d: ConfigDraft, ck: Checker): void {
  for (const u of unreachableBmcs(d)) ck.warn(u.segs, u.message);
}

/** A BMC the initrd cannot reach: the level's key that names it, and why. */
export interface UnreachableBmc {
  segs: Segment[];
  message: string;
}

/** Default prefix of a heartbeat address without one, as the guard applies it (rd.clusterguard.address may differ). */
const defaultPrefix = (address: string) => (address.includes(":") ? 64 : 24);

/**
 * Every ipmi/redfish level whose BMC the guard parked in a node's initrd could not reach: there only the heartbeat
 * NIC and the fencing network are up, there is no DNS, and the only routes are the gateway's to each BMC.
 */
export function unreachableBmcs(d: ConfigDraft): UnreachableBmc[] {
  const out: UnreachableBmc[] = [];
  const nodes = (d.node ?? []).filter((n): n is DraftNode => n !== undefined && typeof n.name === "string");
  const gateway = d.fencing?.network?.gateway;
  const udp = d.channels?.udp?.enabled === true;
  (d.fencing?.level ?? []).forEach((level, i) => {
    if (level?.type !== "ipmi" && level?.type !== "redfish") return;
    const key = level.type === "ipmi" ? "host" : "url";
    const host = bmcHost(level);
    if (host === null) return;
    const segs: Segment[] = ["fencing", "level", i, key];
    const what = `${level.type} BMC ${host}`;
    if (!isIpLiteral(host)) {
      out.push({
        segs,
        message: `${what} is a host name: the guard in the initrd has no DNS resolver to look it up; use the BMC's IP address`,
      });
      return;
    }
    // Only the nodes that fence through this level must reach it: all but its target.
    const users = nodes.filter((n) => level.target === undefined || n.name !== level.target);
    const cut = users.filter((n) => !reaches(n, host, udp, gateway));
    if (cut.length === 0) return;
    const names = cut.length === 1 ? `node ${cut[0]?.name}` : `nodes ${cut.map((n) => n.name).join(" and ")}`;
    const n = cut[0]!;
    const own = typeof n.fencing_address === "string" ? n.fencing_address : undefined;
    const hb = udp && typeof n.address === "string" ? `${n.address}/${defaultPrefix(n.address)}` : undefined;
    const up = [
      ...(hb ? [`the heartbeat NIC (${hb}, the guard's default prefix)`] : []),
      ...(own ? [`the fencing NIC (${own})`] : []),
    ];
    const fix = "set [fencing.network] and each node's fencing_address";
    const why =
      own !== undefined
        ? `it is on no subnet of ${up.join(" or ")} and fencing.network has no gateway: add fencing.network.gateway, or put the BMC on the fencing subnet`
        : hb !== undefined
          ? `only ${up[0]} is up there and no fencing network is configured: ${fix}`
          : `no NIC is up there (channels.udp is off and no fencing network is configured): ${fix}`;
    out.push({ segs, message: `${what} cannot be reached from the initrd of ${names}: ${why}` });
  });
  return out;
}

/** Whether a node in its initrd reaches `host`: on its fencing or heartbeat subnet, or routed through the gateway. */
function reaches(n: DraftNode, host: string, udp: boolean, gateway: string | undefined): boolean {
  const own = parseCidr(typeof n.fencing_address === "string" ? n.fencing_address : "");
  if (own && inSubnet(host, own)) return true;
  if (own && typeof gateway === "string" && inSubnet(gateway, own) && isIP(gateway) === isIP(host)) return true;
  if (!udp || typeof n.address !== "string") return false;
  const hb = parseCidr(`${n.address}/${defaultPrefix(n.address)}`);
  return hb !== null && inSubnet(host, hb);
}

/** The address a level's BMC is reached at: an ipmi host, a redfish URL's host (IPv6 brackets dropped). */
export function bmcHost(level: { type?: string; host?: string; url?: string }): string | null {
  if (level.type === "ipmi") return typeof level.host === "string" ? level.host : null;
  if (typeof level.url !== "string") return null;
  try {
    return new URL(level.url).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}
