// Build the fence levels from [[fencing.agent]], in the configured order.
import type { FenceAgentConfig } from "../config/index.ts";
import type { FenceAgent } from "./agent.ts";
import { QmpFenceAgent } from "./qmp.ts";
import { UnavailableFenceAgent } from "./unavailable.ts";

/** One agent per configured level. */
export function fenceAgentsFrom(levels: readonly FenceAgentConfig[]): FenceAgent[] {
  return levels.map((l) => (l.type === "qmp" ? new QmpFenceAgent({ device: l.device, action: l.action }) : new UnavailableFenceAgent(l.type)));
}
