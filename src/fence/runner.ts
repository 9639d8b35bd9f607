// Fencing levels, like Pacemaker's topology: try each agent in order; the first that confirms wins.
import type { FenceAction, FenceAgent } from "./agent.ts";

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
  return Math.max(timeoutMs, agents.reduce((t, a) => t + levelLimit(a, timeoutMs), 0)) + 1000;
}

/** Run the levels in order, each bounded by `timeoutMs` (or the agent's own minimum, when larger). */
export async function runFence(agents: readonly FenceAgent[], target: string, action: FenceAction, timeoutMs: number): Promise<FenceReport> {
  const attempts: FenceReport["attempts"] = [];
  for (const agent of agents) {
    const t0 = performance.now();
    const ctl = new AbortController();
    const limit = levelLimit(agent, timeoutMs);
    const timer = setTimeout(() => ctl.abort(), limit);
    let confirmed = false;
    let detail: string;
    try {
      const out = await Promise.race([
        agent.fence(target, action, ctl.signal),
        new Promise<never>((_, rej) => ctl.signal.addEventListener("abort", () => rej(new Error(`no answer within ${limit} ms`)))),
      ]);
      confirmed = out.confirmed;
      detail = out.detail;
    } catch (e) {
      detail = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(timer);
    }
    attempts.push({ agent: agent.name, confirmed, detail, ms: Math.round(performance.now() - t0) });
    if (confirmed) return { ok: true, agent: agent.name, detail, attempts };
  }
  const detail = agents.length === 0 ? "no fence agent configured" : attempts.map((a) => `${a.agent}: ${a.detail}`).join("; ");
  return { ok: false, agent: agents.map((a) => a.name).join(",") || "none", detail, attempts };
}
