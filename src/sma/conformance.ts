// The ocf-tester of SMA plugins: validate, monitor twice, recover then monitor, optionally start/stop; every
// contract violation one line.
import type { ServiceAgentConfig } from "../config/types.ts";
import type { MonitorResult, PluginLogger, SmaPlugin } from "./api.ts";
import { type Clock, realClock } from "./clock.ts";
import { type Conformance, ReportWriter } from "./conformance-report.ts";
import { DEFAULT_RECOVER_TIMEOUT } from "./op-call.ts";
import { checkParams, withDefaults } from "./params.ts";
import { pluginProblems } from "./plugin-shape.ts";
import { show } from "./results.ts";
import { startStopPlan } from "./start-stop-plan.ts";
import { validateReturn } from "./validate-op.ts";

export type { CheckLine, Conformance } from "./conformance-report.ts";

/** Knobs for checkConformance; all optional. */
export interface ConformanceOptions {
  clock?: Clock;
  /** Do not call recover (it restarts the real service). */
  skipRecover?: boolean;
  /** Also run stop and start (each twice) with a monitor after each: they stop the real service for a while. */
  startStop?: boolean;
  /** How long an operation may take to end after its abort, ms (default 2000). */
  abortGraceMs?: number;
  log?: PluginLogger;
}

/** Check `plugin` as [[agent]] `agent` configures it. */
export async function checkConformance(plugin: SmaPlugin, agent: ServiceAgentConfig, opts: ConformanceOptions = {}): Promise<Conformance> {
  const shape = pluginProblems(plugin);
  const meta = plugin.meta;
  const params = shape.length > 0 ? {} : withDefaults(meta, agent.params);
  const w = new ReportWriter(agent.name, params, opts.clock ?? realClock, opts.abortGraceMs ?? 2000, opts.log);
  for (const p of shape) w.line("FAIL", "api", p);
  if (shape.length > 0) return w.rep;
  const ops = ["monitor", "recover", "start", "stop"].filter((o) => typeof (plugin as unknown as Record<string, unknown>)[o] === "function");
  w.line("ok", "meta", `${meta.name}: ${Object.keys(meta.parameters).length} parameter(s); operations: ${ops.join(", ")}`);
  if (meta.timeout !== undefined && agent.timeout < meta.timeout) w.line("note", "meta", `agent timeout ${agent.timeout} ms is below the plugin's suggested ${meta.timeout} ms`);

  /** validate's return on `p` (problems, or a result for this node), or undefined after a FAIL line. */
  const validate = async (step: string, p: typeof params): Promise<string[] | MonitorResult | undefined> => {
    const v = await w.call(step, (ctx) => plugin.validate(p, ctx), agent.timeout, p);
    if (v === undefined) return undefined;
    const r = validateReturn(v.value);
    if (r !== null) return r;
    return void w.line("FAIL", step, `returned ${show(v.value)}; expected an array of problem strings or a result { result, reason }`);
  };

  const own = await validate("validate", params);
  const ownProblems = Array.isArray(own) ? own : own?.result === "fatal" ? [own.reason] : [];
  const configured = [...new Set([...checkParams(meta, agent.params), ...ownProblems])];
  if (configured.length > 0) {
    w.rep.configProblems = configured;
    return w.rep;
  }
  if (Array.isArray(own) || own?.result === "running") w.line("ok", "validate", "no problems with the configured params");
  else if (own !== undefined) w.line("note", "validate", `${own.result}: ${own.reason} (${own.result === "hard-error" ? "the agent would ask for failover" : "the agent counts it as a failure and validates again"})`);
  for (const [name, spec] of Object.entries(meta.parameters)) {
    if (!spec.required) continue;
    const without = { ...params };
    delete without[name];
    const step = `validate without ${name}`;
    const found = await validate(step, without);
    if (found === undefined) continue;
    const accepted = Array.isArray(found) ? found.length === 0 : found.result === "running";
    if (accepted) w.line("FAIL", step, `accepted the parameters without required parameter ${name}`);
    else w.line("ok", step, `reports: ${Array.isArray(found) ? found[0] : `${found.result}: ${found.reason}`}`);
  }
  const first = await w.operation("monitor #1", (ctx) => plugin.monitor(ctx), agent.timeout);
  await w.operation("monitor #2", (ctx) => plugin.monitor(ctx), agent.timeout);
  await checkRecover(w, plugin, agent, opts);
  if (opts.startStop) await checkStartStop(w, plugin, agent, first);
  return w.rep;
}

/** recover, then a monitor that must say running (a restart in place that leaves the service down is a violation). */
async function checkRecover(w: ReportWriter, plugin: SmaPlugin, agent: ServiceAgentConfig, opts: ConformanceOptions): Promise<void> {
  const recover = plugin.recover;
  if (recover === undefined) return;
  if (plugin.canRecover?.(withDefaults(plugin.meta, agent.params)) === false) return w.line("note", "recover", "not possible with these parameters (canRecover says no): a failure fails over at once");
  if (opts.skipRecover) return w.line("note", "recover", "skipped (--no-recover)");
  const r = await w.operation("recover", (ctx) => recover.call(plugin, ctx), plugin.meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT);
  if (r === undefined && w.rep.lingering > 0) return;
  await w.operation("monitor after recover", (ctx) => plugin.monitor(ctx), agent.timeout, { kinds: ["running"], why: "recover restarts the service in place" });
}

/** stop/start as the switchover and the resource takeover use them, from the state the service was found in. */
async function checkStartStop(w: ReportWriter, plugin: SmaPlugin, agent: ServiceAgentConfig, found: MonitorResult | undefined): Promise<void> {
  const { start, stop } = plugin;
  if (start === undefined || stop === undefined) return w.line("note", "start/stop", `the plugin has no ${start === undefined ? "start" : "stop"}: not checked (a switchover skips it; the freeze covers the service)`);
  const plan = found === undefined ? null : startStopPlan(found.result);
  if (plan === null) return w.line("note", "start/stop", `not checked: the service is ${found === undefined ? "of unknown state" : `${found.result} (${found.reason})`}, neither running nor cleanly stopped`);
  const recoverTimeout = plugin.meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT;
  for (const s of plan) {
    const fn = s.op === "monitor" ? plugin.monitor : s.op === "start" ? start : stop;
    const r = await w.operation(s.label, (ctx) => fn.call(plugin, ctx), s.op === "monitor" ? agent.timeout : recoverTimeout, { kinds: s.expect, why: s.why });
    if (r === undefined && w.rep.lingering > 0) return;
  }
}
