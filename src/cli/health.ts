// The cluster's health from a status report, pure: `clusterguard status`'s exit code and the reasons behind it, as
// `systemctl is-system-running` (running, degraded) and `crm_mon` report theirs. The codes are in exit-codes.ts.
import type { StatusReport } from "../mgmt/protocol.ts";
import { EXIT_OK, STATUS_DEGRADED, STATUS_NOT_SERVING } from "./exit-codes.ts";

/** The verdict: healthy (0), degraded (4) or not serving (5), and every reason found (empty when healthy). */
export interface Health {
  code: typeof EXIT_OK | typeof STATUS_DEGRADED | typeof STATUS_NOT_SERVING;
  state: "healthy" | "degraded" | "not serving";
  reasons: string[];
}

/**
 * Healthy: one node ACTIVE and the other STANDBY, heard on every link, every link up, no fence running or failed,
 * activation allowed, every monitor running and up (not paused, stopped or down), no resource failed. Not serving:
 * this node is not ACTIVE and the peer is not an ACTIVE heard on a live link (nobody runs the services, as far as
 * this node can tell). Anything else between the two is degraded.
 */
export function judgeHealth(r: StatusReport): Health {
  const reasons: string[] = [];
  const peer = r.peer.role ?? "never heard";
  const heard = r.links.some((l) => l.up && !l.dead && l.lastHeardAgoMs !== null);
  if (r.role !== "ACTIVE" && r.role !== "STANDBY") reasons.push(`this node is ${r.role}`);
  if (!heard) reasons.push(`peer ${r.peer.name} not heard on any live link`);
  else if (r.role === "ACTIVE" && r.peer.role !== "STANDBY")
    reasons.push(`peer ${r.peer.name} is ${peer}, not STANDBY`);
  else if (r.role === "STANDBY" && r.peer.role !== "ACTIVE") reasons.push(`peer ${r.peer.name} is ${peer}, not ACTIVE`);
  for (const l of r.links) if (!l.up || l.dead) reasons.push(`link ${l.kind} ${!l.up ? "down" : "dead"}`);
  if (r.fence.state === "fencing" || r.fence.state === "failed") reasons.push(`fence ${r.fence.state}`);
  if (r.blocked !== null) reasons.push(`activation blocked: ${r.blocked}`);
  for (const m of r.monitors) {
    if (m.state === "paused" || m.state === "stopped") reasons.push(`monitor ${m.name} ${m.state}`);
    else if (m.health === "down") reasons.push(`monitor ${m.name} down`);
  }
  for (const x of r.resources) if (x.state === "failed") reasons.push(`resource ${x.name} failed`);
  const serving = r.role === "ACTIVE" || (r.peer.role === "ACTIVE" && heard);
  if (!serving) return { code: STATUS_NOT_SERVING, state: "not serving", reasons };
  return reasons.length === 0
    ? { code: EXIT_OK, state: "healthy", reasons }
    : { code: STATUS_DEGRADED, state: "degraded", reasons };
}
