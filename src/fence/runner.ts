// Fencing levels, like Pacemaker's topology: built from [[fencing.agent]] in the configured order, then tried in
// that order; the first that confirms wins.

import type { FenceAgentConfig } from "../config/index.ts";
import { errorText } from "../log/logger.ts";
import { type Clock, realClock } from "../sys/clock.ts";
import type { FenceAction, FenceAgent, FenceContext } from "./agent.ts";
import { IpmiFenceAgent } from "./ipmi.ts";
import { PeerRequestAgent } from "./peer-request.ts";
import { PoisonPillAgent } from "./poison-pill.ts";
import { QmpFenceAgent } from "./qmp.ts";
import { RedfishFenceAgent } from "./redfish.ts";

export interface FenceReport {
  ok: boolean;
  agent: string;
  detail: string;
  /** What every level said, in order. */
  attempts: { agent: string; confirmed: boolean; detail: string; ms: number }[];
}

/** One level's time limit: the configured timeout, or the agent's own minimum when larger (a pill's msgwait). */
export function levelLimit(agent: FenceAgent, timeoutMs: number): number {
  return Math.max(timeoutMs, agent.minTimeoutMs ?? 0);
}

/** How long running every level in turn may take, plus a second: the core's bound on one fence. */
export function fenceBudget(agents: readonly FenceAgent[], timeoutMs: number): number {
  return (
    Math.max(
      timeoutMs,
      agents.reduce((t, a) => t + levelLimit(a, timeoutMs), 0),
    ) + 1000
  );
}

/** Run the levels in order, each bounded by `timeoutMs` (or the agent's own minimum, when larger). */
export async function runFence(
  agents: readonly FenceAgent[],
  target: string,
  action: FenceAction,
  timeoutMs: number,
  clock: Clock = realClock,
): Promise<FenceReport> {
  const attempts: FenceReport["attempts"] = [];
  for (const agent of agents) {
    const t0 = clock.now();
    const ctl = new AbortController();
    const limit = levelLimit(agent, timeoutMs);
    const cancel = clock.after(limit, () => ctl.abort());
    let confirmed = false;
    let detail: string;
    try {
      const out = await Promise.race([
        agent.fence(target, action, ctl.signal),
        new Promise<never>((_, rej) =>
          ctl.signal.addEventListener("abort", () => rej(new Error(`no answer within ${limit} ms`))),
        ),
      ]);
      confirmed = out.confirmed;
      detail = out.detail;
    } catch (e) {
      detail = errorText(e);
    } finally {
      cancel();
    }
    attempts.push({ agent: agent.name, confirmed, detail, ms: clock.now() - t0 });
    if (confirmed) return { ok: true, agent: agent.name, detail, attempts };
  }
  const detail =
    agents.length === 0 ? "no fence agent configured" : attempts.map((a) => `${a.agent}: ${a.detail}`).join("; ");
  return { ok: false, agent: agents.map((a) => a.name).join(",") || "none", detail, attempts };
}

// Build the fence levels from [[fencing.agent]], in the configured order.

/** One agent per configured level. */
export function fenceAgentsFrom(
  levels: readonly FenceAgentConfig[],
  ctx: FenceContext,
  deadtimeMs: number,
): FenceAgent[] {
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
      return new RedfishFenceAgent({
        url: l.url,
        user: l.user,
        passwordFile: l.password_file,
        system: l.system,
        insecure: l.insecure,
      });
    case "peer-request":
      return new PeerRequestAgent({ ctx, deadtimeMs });
    case "poison-pill":
      return new PoisonPillAgent({ msgwaitMs: l.msgwait, ctx });
  }
}
