// Build the fence levels from [[fencing.agent]], in the configured order.
import type { FenceAgentConfig } from "../config/index.ts";
import type { FenceAgent } from "./agent.ts";
import type { FenceContext } from "./context.ts";
import { IpmiFenceAgent } from "./ipmi.ts";
import { PoisonPillAgent } from "./poison-pill.ts";
import { QmpFenceAgent } from "./qmp.ts";
import { RedfishFenceAgent } from "./redfish.ts";
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
    case "ipmi":
      return new IpmiFenceAgent({ host: l.host, user: l.user, passwordFile: l.password_file, interface: l.interface });
    case "redfish":
      return new RedfishFenceAgent({ url: l.url, user: l.user, passwordFile: l.password_file, system: l.system, insecure: l.insecure });
    case "poison-pill":
      return new PoisonPillAgent({ msgwaitMs: l.msgwait, ctx });
    default:
      return new UnavailableFenceAgent(l.type);
  }
}
