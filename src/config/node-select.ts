// Picks this node and its peer out of the two configured nodes by name.
import type { ClusterConfig, ConfigError, NodeConfig } from "./types.ts";

/** Where the node name came from, for the error message. */
export interface NameOrigin {
  file: string;
  key: string;
}

const KERNEL_ARG: NameOrigin = { file: "kernel command line", key: "rd.clusterguard.node" };

/** Returns { self, peer } for `nodeName`, or an error listing the two configured names. */
export function selectSelf(
  config: ClusterConfig,
  nodeName: string,
  origin: NameOrigin = KERNEL_ARG,
): { ok: true; self: NodeConfig; peer: NodeConfig } | { ok: false; error: ConfigError } {
  const [a, b] = config.node;
  if (nodeName === a.name) return { ok: true, self: a, peer: b };
  if (nodeName === b.name) return { ok: true, self: b, peer: a };
  const expected = `one of the configured node names: ${JSON.stringify(a.name)}, ${JSON.stringify(b.name)}`;
  return { ok: false, error: { file: origin.file, key: origin.key, value: nodeName, problem: "unknown node name", expected } };
}
