// [[resource]] and [[monitor]] as the members of one Pacemaker group, in clusterguard's order: the resources in file
// order (ip -> ocf:heartbeat:IPaddr2, mount -> ocf:heartbeat:Filesystem, unit -> systemd:UNIT), then the services the
// monitors start and stop (a systemd monitor of a unit that is no resource -> systemd:UNIT, an ocf monitor -> the
// OCF agent as it is). A monitor of a resource's unit becomes that resource's monitor operation. The recovery policy
// maps onto Pacemaker's: restart -> migration-threshold = max_restarts + 1 with failure-timeout = restart_window,
// failover -> migration-threshold = 1, stop -> on-fail = block. Checks that have no resource agent (http, tcp, process,
// command, a plugin file) are named in the notes, not carried.
import { parseCidr, showValue } from "../config/index.ts";
import type { ClusterConfig, MonitorConfig, ResourceConfig } from "../config/index.ts";
import { OCF_AGENT, OWN_PARAMS } from "../monitor/builtin/ocf.ts";
import { type Findings, type Op, type Primitive, duration, findings } from "./model.ts";
import type { Ids } from "./xml.ts";

/** The group's members, in start order, and what the mapping found. */
export interface ResourcePart extends Findings {
  members: Primitive[];
}

/** The unit suffixes Pacemaker's systemd class manages as they are (2.1: lib/services/systemd.c); none means .service. */
const PCMK_UNIT_SUFFIXES = [".service", ".socket", ".mount", ".timer", ".path"];
/** Any systemd unit suffix, to tell "nginx" (a service) from "foo.target". */
const UNIT_SUFFIX = /\.(service|socket|target|mount|automount|swap|path|timer|slice|scope|device)$/;
/** How often Pacemaker checks a resource clusterguard only brings up (no [[monitor]] watches it). */
const DEFAULT_MONITOR_MS: Record<ResourceConfig["type"], number> = { ip: 10_000, mount: 20_000, unit: 60_000 };
/** OCF_ROOT as Pacemaker has it; an ocf monitor elsewhere needs its agent installed there. */
const PCMK_OCF_ROOT = "/usr/lib/ocf";

/** What mapping the monitors works on: the part being built, and which resource a unit and a monitor belong to. */
interface Ctx {
  ids: Ids;
  part: ResourcePart;
  /** Each unit in the group ("nginx" as "nginx.service") and its primitive. */
  units: Map<string, Primitive>;
  /** The monitor that already gave a primitive its monitor operation. */
  watchedBy: Map<Primitive, string>;
}

/** The group members for `config`'s resources and monitors. */
export function exportResources(config: ClusterConfig, ids: Ids): ResourcePart {
  const ctx: Ctx = { ids, part: { ...findings(), members: [] }, units: new Map(), watchedBy: new Map() };
  for (const [i, r] of config.resource.entries()) {
    const p = resourcePrimitive(r, i, ids, ctx.part);
    if (p === undefined) continue;
    ctx.part.members.push(p);
    if (r.type === "unit") ctx.units.set(serviceName(r.name), p);
  }
  for (const [i, m] of config.monitor.entries()) {
    if (m.plugin === "systemd") systemdMonitor(m, i, ctx);
    else if (m.plugin === "ocf") ocfMonitor(m, i, ctx);
    else {
      const text = `monitor ${JSON.stringify(m.name)}: ${noCounterpart(m)}`;
      ctx.part.notes.push({ path: ["monitor", i, "plugin"], value: m.plugin, text });
    }
  }
  return ctx.part;
}

/** A systemd monitor: the monitor operation of the resource with its unit, or a systemd resource of its own. */
function systemdMonitor(m: MonitorConfig, i: number, { ids, part, units, watchedBy }: Ctx): void {
  const what = `monitor[${i}] ${JSON.stringify(m.name)}`;
  const unit = m.params.unit;
  if (typeof unit !== "string" || unit === "") {
    part.refusals.push({
      path: ["monitor", i, "params", "unit"],
      value: unit,
      problem: unit === undefined ? "missing" : undefined,
      expected: 'a systemd unit name like "nginx.service" (the systemd plugin requires it)',
    });
    return;
  }
  const resource = units.get(serviceName(unit));
  if (resource !== undefined) {
    const earlier = watchedBy.get(resource);
    if (earlier !== undefined) {
      part.notes.push({
        path: ["monitor", i],
        value: m.name,
        text: `watches ${unit}, which ${earlier} already watches: one monitor per resource carries over; this one does not`,
      });
      return;
    }
    watchedBy.set(resource, what);
    applyMonitor(resource, m, i, part);
    part.mappings.push({ from: `${what} (systemd)`, to: `the monitor operation of ${resource.id}` });
    return;
  }
  if (!pacemakerUnit(unit)) {
    part.refusals.push({ path: ["monitor", i, "params", "unit"], value: unit, expected: unitExpectation() });
    return;
  }
  const p = primitive(ids.take(m.name, "monitor"), "systemd", undefined, unit, `${what}: the service it watches`);
  applyMonitor(p, m, i, part);
  units.set(serviceName(unit), p);
  watchedBy.set(p, what);
  part.members.push(p);
  part.mappings.push({ from: `${what} (systemd)`, to: `systemd:${unit} (${p.id}), after the resources` });
}

/** An ocf monitor: the OCF agent as a resource, with the monitor's parameters but the plugin's own. */
function ocfMonitor(m: MonitorConfig, i: number, { ids, part }: Ctx): void {
  const what = `monitor[${i}] ${JSON.stringify(m.name)}`;
  const agent = m.params.agent;
  if (typeof agent !== "string" || !OCF_AGENT.test(agent)) {
    part.refusals.push({
      path: ["monitor", i, "params", "agent"],
      value: agent,
      problem: agent === undefined ? "missing" : undefined,
      expected: 'an OCF agent as "provider/type", like "heartbeat/apache" (the ocf plugin requires it)',
    });
    return;
  }
  const [provider = "", type = ""] = agent.split("/");
  const p = primitive(ids.take(m.name, "monitor"), "ocf", provider, type, `${what}: the OCF agent it runs`);
  for (const [k, v] of Object.entries(m.params)) if (!OWN_PARAMS.includes(k)) p.params.push([k, String(v)]);
  const root = m.params.ocf_root;
  if (typeof root === "string" && root.replace(/\/+$/, "") !== PCMK_OCF_ROOT) {
    part.notes.push({
      path: ["monitor", i, "params", "ocf_root"],
      value: root,
      text: `Pacemaker runs OCF agents from ${PCMK_OCF_ROOT} only: install ${agent} as ${PCMK_OCF_ROOT}/resource.d/${agent} on both nodes`,
      edit: `install ${agent} under ${PCMK_OCF_ROOT}/resource.d on both nodes`,
    });
  }
  applyMonitor(p, m, i, part);
  part.members.push(p);
  part.mappings.push({ from: `${what} (ocf)`, to: `ocf:${provider}:${type} (${p.id}), after the resources` });
}

/** The primitive for one [[resource]], or undefined (with a refusal) when Pacemaker cannot carry it. */
function resourcePrimitive(r: ResourceConfig, i: number, ids: Ids, part: ResourcePart): Primitive | undefined {
  const what = `resource[${i}] ${JSON.stringify(r.name)}`;
  const ops = (monitorMs: number): Op[] => [
    { name: "monitor", intervalMs: monitorMs, timeoutMs: r.timeout },
    { name: "start", intervalMs: 0, timeoutMs: r.timeout },
    { name: "stop", intervalMs: 0, timeoutMs: r.timeout },
  ];
  switch (r.type) {
    case "ip": {
      const cidr = parseCidr(r.address);
      if (cidr === null) throw new Error(`a validated ip resource without ADDR/PREFIX: ${r.address}`);
      const p = primitive(ids.take(r.name, "ip"), "ocf", "heartbeat", "IPaddr2", what);
      p.params.push(["ip", cidr.address], ["cidr_netmask", String(cidr.prefix)], ["nic", r.interface]);
      if (cidr.family === 4) p.params.push(["arp_count", String(r.arp_count)]);
      p.ops = ops(DEFAULT_MONITOR_MS.ip);
      part.mappings.push({ from: what, to: `ocf:heartbeat:IPaddr2 (${p.id}): ${r.address} on ${r.interface}` });
      return p;
    }
    case "mount": {
      if (r.fstype === "auto") {
        part.refusals.push({
          path: ["resource", i, "fstype"],
          value: r.fstype,
          expected:
            'the file system type, like "ext4" (Pacemaker\'s Filesystem agent requires it and checks it in /proc/filesystems: "auto" fails there)',
        });
        return undefined;
      }
      const p = primitive(ids.take(r.name, "mount"), "ocf", "heartbeat", "Filesystem", what);
      p.params.push(["device", filesystemDevice(r.device)], ["directory", r.target], ["fstype", r.fstype]);
      if (r.options !== "defaults") p.params.push(["options", r.options]);
      p.ops = ops(DEFAULT_MONITOR_MS.mount);
      part.mappings.push({ from: what, to: `ocf:heartbeat:Filesystem (${p.id}): ${r.device} on ${r.target}` });
      return p;
    }
    case "unit": {
      if (!pacemakerUnit(r.name)) {
        part.refusals.push({ path: ["resource", i, "name"], value: r.name, expected: unitExpectation() });
        return undefined;
      }
      const p = primitive(ids.take(r.name, "unit"), "systemd", undefined, r.name, what);
      p.ops = ops(DEFAULT_MONITOR_MS.unit);
      part.mappings.push({ from: what, to: `systemd:${r.name} (${p.id})` });
      return p;
    }
  }
}

/** A monitor's interval, timeout and recovery policy on primitive `p` (its monitor op replaced). */
function applyMonitor(p: Primitive, m: MonitorConfig, i: number, part: ResourcePart): void {
  const op: Op = { name: "monitor", intervalMs: m.interval, timeoutMs: m.timeout };
  if (m.on_fail === "stop") op.onFail = "block";
  p.ops = [op, ...p.ops.filter((o) => o.name !== "monitor")];
  if (m.on_fail === "restart") p.meta.push(["migration-threshold", String(m.max_restarts + 1)]);
  if (m.on_fail === "failover") p.meta.push(["migration-threshold", "1"]);
  if (m.on_fail !== "stop") p.meta.push(["failure-timeout", duration(m.restart_window)]);
  if (m.rise !== 1 || m.fall !== 1) {
    part.notes.push({
      path: ["monitor", i, m.fall !== 1 ? "fall" : "rise"],
      value: m.fall !== 1 ? m.fall : m.rise,
      text: `monitor ${JSON.stringify(m.name)}: rise/fall smoothing (rise ${m.rise}, fall ${m.fall}) has no counterpart: Pacemaker acts on the first failed monitor of ${p.id}`,
    });
  }
}

/** Why a check with no resource agent does not carry over, and what would. */
function noCounterpart(m: MonitorConfig): string {
  const why = "Pacemaker checks a service only through its resource's agent, so this check is not carried over";
  switch (m.plugin) {
    case "http":
      return `${why}; ocf:heartbeat:apache (statusurl) or an OCF agent of your own that fetches ${showValue(m.params.url)} would carry it`;
    case "tcp":
    case "process":
      return `${why}; an OCF agent of your own (its monitor action doing the same check) would carry it`;
    case "command":
      return `${why}; the command already answers with OCF exit codes: an OCF agent whose monitor action runs ${showValue(m.params.path)} would carry it`;
    default:
      return `${why}: a plugin of your own has no Pacemaker form; an OCF agent doing the same check would carry it`;
  }
}

/** Filesystem's device: LABEL=/UUID= as the /dev/disk/by-* link udev makes (the agent's advice over -L/-U). */
function filesystemDevice(device: string): string {
  if (device.startsWith("LABEL=")) return `/dev/disk/by-label/${udevEncode(device.slice(6))}`;
  if (device.startsWith("UUID=")) return `/dev/disk/by-uuid/${device.slice(5)}`;
  return device;
}

/** udev's encoding of a label in a /dev/disk/by-label name: anything but [0-9A-Za-z#+-.:=@_] and UTF-8 as \xNN. */
function udevEncode(label: string): string {
  let out = "";
  for (const c of label) {
    const code = c.codePointAt(0) ?? 0;
    out += /[0-9A-Za-z#+\-.:=@_]/.test(c) || code >= 0x80 ? c : `\\x${code.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** The unit a name means to systemctl: "nginx" is "nginx.service". */
function serviceName(unit: string): string {
  return UNIT_SUFFIX.test(unit) ? unit : `${unit}.service`;
}

/** True when Pacemaker's systemd class can manage the unit under its own name. */
function pacemakerUnit(unit: string): boolean {
  const name = serviceName(unit);
  return PCMK_UNIT_SUFFIXES.some((s) => name.endsWith(s));
}

function unitExpectation(): string {
  return `a unit Pacemaker's systemd class can manage: ${PCMK_UNIT_SUFFIXES.map((s) => `*${s}`).join(", ")} (it would start NAME.service for any other)`;
}

function primitive(
  id: string,
  cls: Primitive["class"],
  provider: string | undefined,
  type: string,
  description: string,
): Primitive {
  return { id, class: cls, provider, type, description, params: [], meta: [], ops: [] };
}
