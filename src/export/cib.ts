// The CIB: Pacemaker's configuration as one XML document. The two-node settings (stonith-enabled=true,
// no-quorum-policy=stop: with corosync's two_node a survivor keeps quorum and fencing decides, as in clusterguard),
// the nodes with corosync's ids, the fence devices and the group from the other parts, a location preference for the
// node that outranks (and stickiness above it: no failback, a returning node waits as a STANDBY did), each fence
// device banned from the node it fences, the fencing topology, and a status section holding both nodes cleanly down,
// the state before the first start (only the configuration section is loaded into a running cluster).
import type { ClusterConfig } from "../config/index.ts";
import { outranks } from "../core/index.ts";
import { nodeId } from "./corosync.ts";
import type { FencingPart } from "./fencing.ts";
import { type KeyPath, type Primitive, type Refusal, duration } from "./model.ts";
import type { ResourcePart } from "./resources.ts";
import { type Element, Ids, el, notXmlText, render } from "./xml.ts";

/** The schema the document is written against: Pacemaker 2.0 and later read it. */
export const VALIDATE_WITH = "pacemaker-3.0";
/** How strongly the group prefers the node that outranks; less than the stickiness, so it never moves back by itself. */
const PREFERENCE = 100;
const STICKINESS = 1000;

/** The ids the document itself needs, taken before any resource can claim them. */
export interface CibIds {
  ids: Ids;
  properties: string;
  defaults: string;
  group: string;
}

/** A fresh id registry with the document's own ids taken first. */
export function cibIds(config: ClusterConfig): CibIds {
  const ids = new Ids();
  return {
    ids,
    properties: ids.take("cib-bootstrap-options"),
    defaults: ids.take("rsc-options"),
    group: ids.take(`${config.cluster.name}-group`, "cluster"),
  };
}

/** The CIB for `config`, given the resource and fencing parts built with `cid.ids`. */
export function renderCib(
  config: ClusterConfig,
  source: string,
  cid: CibIds,
  resources: ResourcePart,
  fencing: FencingPart,
): string {
  const { ids } = cid;
  const nv = (owner: string, name: string, value: string) =>
    el("nvpair", { id: ids.take(`${owner}-${name}`), name, value });
  const properties = el("cluster_property_set", { id: cid.properties }, [
    nv(cid.properties, "cluster-name", config.cluster.name),
    nv(cid.properties, "stonith-enabled", "true"),
    nv(cid.properties, "stonith-timeout", duration(config.fencing.timeout)),
    nv(cid.properties, "no-quorum-policy", "stop"),
  ]);
  const [a, b] = config.node;
  const first = outranks(a, b) ? a : b;
  const nodes = config.node.map((n, i) => el("node", { id: String(nodeId(i)), uname: n.name }));
  // No resources, no group (an empty group is not valid) and nothing to prefer a node for.
  const group = resources.members.length > 0 ? [el("group", { id: cid.group }, resources.members.map(prim))] : [];
  const constraints = fencing.bans.map((ban) =>
    el("rsc_location", {
      id: ids.take(`ban-${ban.rsc}-on-${ban.node}`),
      rsc: ban.rsc,
      node: ban.node,
      score: "-INFINITY",
    }),
  );
  if (group.length > 0) {
    constraints.push(
      el("rsc_location", {
        id: ids.take(`prefer-${cid.group}-on-${first.name}`),
        rsc: cid.group,
        node: first.name,
        score: String(PREFERENCE),
      }),
    );
  }
  const topology = fencing.topology.map((l) =>
    el("fencing-level", {
      id: ids.take(`fl-${l.target}-${l.index}`),
      target: l.target,
      index: l.index,
      devices: l.devices.join(","),
    }),
  );
  const defaults = el("meta_attributes", { id: cid.defaults }, [
    nv(cid.defaults, "resource-stickiness", String(STICKINESS)),
  ]);
  const configuration = el("configuration", {}, [
    el("crm_config", {}, [properties]),
    el("nodes", {}, nodes),
    el("resources", {}, [...fencing.devices.map(prim), ...group]),
    el("constraints", {}, constraints),
    ...(topology.length > 0 ? [el("fencing-topology", {}, topology)] : []),
    el("rsc_defaults", {}, [defaults]),
  ]);
  const status = el("status", {}, [
    { comment: "both nodes cleanly down, as before the first start: load only the configuration section" },
    ...config.node.map((n, i) =>
      el("node_state", {
        id: String(nodeId(i)),
        uname: n.name,
        in_ccm: "false",
        crmd: "offline",
        join: "down",
        expected: "down",
      }),
    ),
  ]);
  const cib = el("cib", { "validate-with": VALIDATE_WITH, epoch: 1, num_updates: 0, admin_epoch: 0 }, [
    { comment: `cluster ${config.cluster.name}, exported by clusterguard from ${source}: see MIGRATION.txt` },
    configuration,
    status,
  ]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(cib)}`;

  function prim(p: Primitive): Element {
    const set = (tag: string, pairs: [string, string][]) => {
      if (pairs.length === 0) return [];
      const id = ids.take(`${p.id}-${tag}`);
      return [
        el(
          tag,
          { id },
          pairs.map(([k, v]) => nv(id, k, v)),
        ),
      ];
    };
    const ops = p.ops.map((o) =>
      el("op", {
        id: ids.take(`${p.id}-${o.name}-interval-${duration(o.intervalMs)}`),
        name: o.name,
        interval: duration(o.intervalMs),
        timeout: duration(o.timeoutMs),
        "on-fail": o.onFail,
      }),
    );
    return el(
      "primitive",
      { id: p.id, class: p.class, provider: p.provider, type: p.type, description: p.description },
      [
        ...set("instance_attributes", p.params),
        ...set("meta_attributes", p.meta),
        ...(ops.length > 0 ? [el("operations", {}, ops)] : []),
      ],
    );
  }
}

/** Every string of the exported sections that XML cannot hold (a control character): refused, nothing written. */
export function unrepresentable(config: ClusterConfig): Refusal[] {
  const out: Refusal[] = [];
  const expected =
    "text without control characters other than tab and newline (the CIB is XML, which cannot hold them)";
  const walk = (v: unknown, path: KeyPath): void => {
    if (typeof v === "string") {
      if (notXmlText(v)) out.push({ path, value: v, expected });
    } else if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        // a key becomes a name in the CIB too (a monitor's parameters)
        if (notXmlText(k)) out.push({ path: [...path, k], problem: "the key itself", expected });
        else walk(x, [...path, k]);
      }
    }
  };
  const { cluster, node, resource, monitor, fencing, channels } = config;
  for (const [k, v] of Object.entries({ cluster, node, resource, monitor, fencing, channels })) walk(v, [k]);
  return out;
}
