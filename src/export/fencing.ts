// [[fencing.level]] as Pacemaker fence devices and a fencing topology in the same level order. clusterguard's levels
// describe how either node fences its peer; Pacemaker wants a device per target node, so each level becomes one
// device per node (banned from running on the node it fences): ipmi -> fence_ipmilan, redfish -> fence_redfish,
// poison-pill -> fence_sbd, qmp -> fence_virsh (no real counterpart: its hypervisor host is to be filled in),
// peer-request -> nothing (named in the notes). fencing.delay becomes pcmk_delay_base on the devices that fence the
// node that outranks the other: the lower-priority node's fence is the one delayed, as in clusterguard.
import type { ClusterConfig, FenceLevelConfig, NodeConfig } from "../config/index.ts";
import { outranks } from "../core/index.ts";
import { type Findings, type Primitive, duration, findings } from "./model.ts";
import type { Ids } from "./xml.ts";

/** One level of the topology: the devices tried together for one target, by index. */
export interface TopologyLevel {
  target: string;
  index: number;
  devices: string[];
}

/** The fence devices, the topology, and which device may not run where. */
export interface FencingPart extends Findings {
  devices: Primitive[];
  topology: TopologyLevel[];
  /** rsc_location -INFINITY: a device never runs on the node it fences. */
  bans: { rsc: string; node: string }[];
}

/** The placeholder for a value clusterguard's config does not hold (MIGRATION.txt lists each). */
export const CHANGE_ME = "CHANGE-ME";

/** Pacemaker's agent for each level type that has one. */
const AGENTS: Record<Exclude<FenceLevelConfig["type"], "peer-request">, string> = {
  ipmi: "fence_ipmilan",
  redfish: "fence_redfish",
  "poison-pill": "fence_sbd",
  qmp: "fence_virsh",
};

/** How often Pacemaker checks that a fence device answers. */
const DEVICE_MONITOR_MS = 60_000;

/** The fence devices and topology for `config`. */
export function exportFencing(config: ClusterConfig, ids: Ids): FencingPart {
  const part: FencingPart = { ...findings(), devices: [], topology: [], bans: [] };
  const [a, b] = config.node;
  const first = outranks(a, b) ? a : b;
  const delayed = config.fencing.delay > 0 ? first.name : undefined;
  const levels = config.fencing.level;
  const carried = levels.filter((l) => l.type !== "peer-request");
  if (carried.length === 0) {
    part.refusals.push({
      path: ["fencing", "level"],
      value: levels.map((l) => l.type),
      problem: levels.length === 0 ? "no fence level configured" : "no fence level with a counterpart in Pacemaker",
      expected:
        "at least one [[fencing.level]] of type ipmi, redfish, poison-pill or qmp (Pacemaker starts no resource without a fence device, and stonith-enabled stays true)",
    });
    return part;
  }
  const byLevel = new Map<number, string[]>();
  for (const target of config.node) {
    let index = 0;
    levels.forEach((level, i) => {
      if (level.type === "peer-request" || (level.target !== undefined && level.target !== target.name)) return;
      index += 1;
      const id = ids.take(`fence-${target.name}-${level.type}`, "fence");
      const device = fenceDevice(id, level, i, target, config);
      if (target.name === delayed) device.params.push(["pcmk_delay_base", duration(config.fencing.delay)]);
      part.devices.push(device);
      byLevel.set(i, [...(byLevel.get(i) ?? []), id]);
      part.topology.push({ target: target.name, index, devices: [id] });
      part.bans.push({ rsc: id, node: target.name });
    });
  }
  for (const [i, level] of levels.entries()) levelFindings(level, i, config, byLevel.get(i) ?? [], part);
  const other = first === a ? b : a;
  part.mappings.push({
    from: `fencing.timeout = ${config.fencing.timeout} ms (one level's time limit)`,
    to: `stonith-timeout = ${duration(config.fencing.timeout)}`,
  });
  if (delayed !== undefined) {
    part.mappings.push({
      from: `fencing.delay = ${config.fencing.delay} ms (the lower-priority node ${other.name} waits before fencing)`,
      to: `pcmk_delay_base = ${duration(config.fencing.delay)} on the devices that fence ${first.name}, so ${first.name}'s fence of ${other.name} lands first`,
    });
  }
  return part;
}

/** The device that fences `target` through `level` (config index i). */
function fenceDevice(
  id: string,
  level: Exclude<FenceLevelConfig, { type: "peer-request" }>,
  i: number,
  target: NodeConfig,
  config: ClusterConfig,
): Primitive {
  const device: Primitive = {
    id,
    class: "stonith",
    type: AGENTS[level.type],
    description: `fencing.level[${i}] (${level.type}) fencing node ${target.name}`,
    params: [],
    meta: [],
    ops: [{ name: "monitor", intervalMs: DEVICE_MONITOR_MS, timeoutMs: config.fencing.timeout }],
  };
  const p = device.params;
  switch (level.type) {
    case "ipmi":
      p.push(["ip", level.host], ["username", level.user], ["password_script", catPassword(level.password_file)]);
      if (level.port !== 623) p.push(["ipport", String(level.port)]);
      if (level.interface === "lanplus") p.push(["lanplus", "1"]);
      if (level.cipher_suite !== undefined) p.push(["cipher", String(level.cipher_suite)]);
      break;
    case "redfish": {
      const url = new URL(level.url);
      const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
      p.push(["ip", url.hostname.replace(/^\[|\]$/g, "")], ["ipport", port], ["username", level.user]);
      p.push(["password_script", catPassword(level.password_file)]);
      p.push(["systems_uri", `/redfish/v1/Systems/${level.system}`]);
      if (level.insecure) p.push(["ssl_insecure", "1"]);
      break;
    }
    case "poison-pill": {
      // SBD's own rule: a fence through the disk takes msgwait, and Pacemaker's timeout should leave 20 % on top.
      const timeout = Math.max(config.fencing.timeout, Math.ceil((level.msgwait * 1.2) / 1000) * 1000);
      p.push(["devices", config.channels.disk.device ?? ""]);
      p.push(["pcmk_reboot_timeout", duration(timeout)], ["pcmk_off_timeout", duration(timeout)]);
      break;
    }
    case "qmp":
      p.push(["ip", CHANGE_ME], ["username", CHANGE_ME], ["plug", target.name]);
      if (level.action === "off") p.push(["pcmk_reboot_action", "off"]);
      break;
  }
  p.push(["pcmk_host_list", target.name]);
  return device;
}

/** What one level maps to, and what of it does not carry over. */
function levelFindings(
  level: FenceLevelConfig,
  i: number,
  config: ClusterConfig,
  devices: string[],
  part: FencingPart,
): void {
  const at = ["fencing", "level", i];
  const names = config.node.map((n) => n.name).join(" and ");
  switch (level.type) {
    case "peer-request":
      part.notes.push({
        path: [...at, "type"],
        value: level.type,
        text: "no counterpart in Pacemaker: not exported. In a takeover it never confirmed anyway (the peer is silent by then); an admin's fence of a live peer is `stonith_admin --reboot NODE`, through the other levels",
      });
      return;
    case "qmp":
      part.notes.push({
        path: [...at, "type"],
        value: level.type,
        text: `no direct counterpart: clusterguard's QMP port (${level.device}) is wired to the peer's hypervisor, Pacemaker fences a VM through the hypervisor's management: exported as fence_virsh with ip and username ${CHANGE_ME} and plug = the node name: set ip and username (the hypervisor host, over ssh; identity_file too) and plug (the libvirt domain) on the devices for ${names}, or use the agent your hypervisor has (fence_xvm, fence_vmware_rest, ...)`,
        edit: `set ip, username (and identity_file) and plug of ${devices.join(", ")} in cib.xml`,
      });
      break;
    case "ipmi":
    case "redfish": {
      const bmc = level.type === "ipmi" ? level.host : level.url;
      part.notes.push({
        path: [...at, level.type === "ipmi" ? "host" : "url"],
        value: bmc,
        text: `one BMC for "the peer" serves both nodes in clusterguard's one config; Pacemaker has a device per node and both got ${bmc}: set each device to the BMC of the node it fences`,
        edit: `set ip of ${devices.join(", ")} in cib.xml to the BMC of the node each fences`,
      });
      if (level.type === "redfish" && level.url.startsWith("http:")) {
        part.notes.push({
          path: [...at, "url"],
          value: level.url,
          text: "fence_redfish talks HTTPS only; this BMC was reached over plain HTTP",
          edit: "serve Redfish over HTTPS on the BMC",
        });
      }
      break;
    }
    case "poison-pill":
      break;
  }
  part.mappings.push({
    from: `fencing.level[${i}] (${level.type})`,
    to: `${AGENTS[level.type]}: ${devices.join(", ")}`,
  });
}

/** fence agents' password_script: print the password file (never copied into the CIB). */
function catPassword(path: string): string {
  return `cat ${/^[A-Za-z0-9_/.:+@=,-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`}`;
}
