// Cross-checks on takeover resources: distinct names; a floating address is never a node's heartbeat address.
import { canonicalIp, parseCidr } from "./cidr.ts";
import type { Checker, Draft } from "./validate-context.ts";

/** Each [[resource]] has a unique name; an ip resource's address differs from every node's heartbeat address. */
export function checkResources(d: Draft, ck: Checker): void {
  const resources = d.resource ?? [];
  const nodes = d.node ?? [];
  resources.forEach((r, i) => {
    if (r === undefined) return;
    const first = resources.findIndex((o) => o?.name !== undefined && o.name === r.name);
    if (first >= 0 && first < i) {
      const hint = r.type === "unit" ? "" : "; give one of them a name";
      ck.cross(["resource", i, "name"], r.name, `a value different from resource[${first}].name${hint}`, [["resource", i]]);
    }
    if (r.type !== "ip" || typeof r.address !== "string") return;
    const address = parseCidr(r.address)?.address;
    if (address === undefined) return;
    nodes.forEach((n, j) => {
      if (typeof n?.address !== "string" || canonicalIp(n.address) !== canonicalIp(address)) return;
      const expected = `an address other than node[${j}].address (${n.address}): a heartbeat address stays with its node, a takeover address moves`;
      ck.cross(["resource", i, "address"], r.address, expected, [["node", j, "address"]]);
    });
  });
}
