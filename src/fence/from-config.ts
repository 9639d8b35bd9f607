// Build the fence levels from [[fencing.agent]], in the configured order.
import type { FenceAgentConfig } from "../config/index.ts";
import type { FenceAgent } from "./agent.ts";
import type { FenceContext } from "./context.ts";
import { PoisonPillAgent } from "./poison-pill.ts";
import { QmpFenceAgent } from "./qmp.ts";
import { UnavailableFenceAgent } from "./unavailable.ts";

/** One agent per configured level. */
export function fenceAgentsFrom(levels: readonly FenceAgentConfig[], ctx: FenceContext): FenceAgent[] {
  return levels.map((l) => agentFor(l, ctx));
}

/** The agent for one level; types this build cannot drive never confirm. */
function agentFor(l: FenceAgentConfig, ctx: FenceContext): FenceAgent {
  switch (l.type) {
    case "qmp":
      return new QmpFenceAgent({ device: l.device, action: l.action });
    case "poison-pill":
      return new PoisonPillAgent({ msgwaitMs: l.msgwait, ctx });
    default:
      return new UnavailableFenceAgent(l.type);
  }
}
