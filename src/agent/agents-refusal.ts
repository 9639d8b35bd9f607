// Why `clusterguard agents pause|resume NAME` did nothing: no such agent, or one in the wrong state; pure.
import type { SmaStatus } from "../sma/status.ts";

/** The error for a pause or resume the runner refused, from the agents' states. */
export function agentsRefusal(action: "pause" | "resume", name: string, agents: readonly Pick<SmaStatus, "name" | "state">[]): string {
  const a = agents.find((x) => x.name === name);
  if (a === undefined) return `no agent named ${name}; configured: ${agents.map((x) => x.name).join(", ") || "none"}`;
  if (action === "resume") return `cannot resume ${name}: it is active (${a.state}); expected a paused or stopped agent`;
  const now = a.state === "stopped" ? `stopped (for good, waiting for an admin: clusterguard agents resume ${name})` : `already ${a.state}`;
  return `cannot pause ${name}: it is ${now}; expected an active agent (idle, running or terminating)`;
}
