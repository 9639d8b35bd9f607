// The one schema of clusterguard.toml, as data: validation and the effective-config printer both walk it.
// One file per section holds that section's keys and its cross-key rules; this file puts them in order.
import type { Checker, ConfigDraft } from "../validate.ts";
import { CHANNELS, checkChannels } from "./channels.ts";
import { FENCING, checkFencing } from "./fencing.ts";
import { checkFencingNetwork, warnUnreachableBmcs } from "./fencing-network.ts";
import { MANAGEMENT, checkManagement } from "./management.ts";
import { MONITORS, checkMonitors } from "./monitors.ts";
import { NOTIFY, checkNotify } from "./notify.ts";
import { CLUSTER, NODES, TIMERS, checkNodes, checkTimers } from "./nodes.ts";
import { RESOURCES, checkResources } from "./resources.ts";
import { WEB, checkWeb } from "./web.ts";
import type { TableSpec } from "./spec.ts";

export { BAUD_RATES } from "./channels.ts";

/** The root of clusterguard.toml. */
export const SCHEMA: TableSpec = {
  type: "table",
  doc: "clusterguard configuration",
  fields: {
    cluster: CLUSTER,
    node: NODES,
    timers: TIMERS,
    channels: CHANNELS,
    fencing: FENCING,
    management: MANAGEMENT,
    web: WEB,
    monitor: MONITORS,
    resource: RESOURCES,
    notify: NOTIFY,
  },
  renamed: { agent: "[[monitor]] (the service monitors)" },
};

/** Rules that relate keys to each other; each runs only on values that passed the schema. */
export const CROSS_CHECKS: readonly ((d: ConfigDraft, ck: Checker) => void)[] = [
  checkTimers,
  checkNodes,
  checkChannels,
  checkFencing,
  checkFencingNetwork,
  warnUnreachableBmcs,
  checkManagement,
  checkWeb,
  checkMonitors,
  checkResources,
  checkNotify,
];
