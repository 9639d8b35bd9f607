// Build the fence levels from [[fencing.agent]], in the configured order.
import type { FenceAgentConfig } from "../config/index.ts";
import type { FenceAgent } from "./agent.ts";
import type { FenceContext } from "./context.ts";
import { IpmiFenceAgent } from "./ipmi.ts";
import { PeerRequestAgent } from "./peer-request.ts";
import { PoisonPillAgent } from "./poison-pill.ts";
import { QmpFenceAgent } from "./qmp.ts";
import { RedfishFenceAgent } from "./redfish.ts";

/** One agent per configured level. */
export function fenceAgentsFrom(levels: readonly FenceAgentConfig[], ctx: FenceContext, deadtimeMs: number): FenceAgent[] {
  return levels.map((l) => agentFor(l, ctx, deadtimeMs));
}

/** The agent for one level. */
function agentFor(l: FenceAgentConfig, ctx: FenceContext, deadtimeMs: number): FenceAgent {
  switch (l.type) {
    case "qmp":
      return new QmpFenceAgent({ device: l.device, action: l.action });
    case "ipmi":
      return new IpmiFenceAgent({ host: l.host, user: l.user, passwordFile: l.password_file, interface: l.interface });
    case "redfish":
      return new RedfishFenceAgent({ url: l.url, user: l.user, passwordFile: l.password_file, system: l.system, insecure: l.insecure });
    case "peer-request":
      return new PeerRequestAgent({ ctx, deadtimeMs });
    case "poison-pill":
      return new PoisonPillAgent({ msgwaitMs: l.msgwait, ctx });
  }
}
