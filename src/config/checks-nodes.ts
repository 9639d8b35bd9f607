// Cross-checks between the two nodes, and the udp channel's need for their addresses.
import { showValue } from "./errors.ts";
import type { Checker, Draft } from "./validate-context.ts";

const DISTINCT = ["name", "disk_slot", "address"] as const;

/** Names, disk slots and addresses differ; each node has an address when udp is enabled. */
export function checkNodes(d: Draft, ck: Checker): void {
  const nodes = d.node ?? [];
  for (const field of DISTINCT) {
    nodes.forEach((b, j) => {
      const i = nodes.findIndex((a) => a?.[field] !== undefined && a[field] === b?.[field]);
      if (i >= 0 && i < j) {
        ck.cross(["node", j, field], b?.[field], `a value different from node[${i}].${field} (${showValue(b?.[field])})`);
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
