// The ocf-tester of SMA plugins: validate, monitor twice, recover then monitor; every contract violation, one per line.
import type { ServiceAgentConfig } from "../config/types.ts";
import type { Awaitable, Params, PluginContext, PluginLogger, SmaPlugin } from "./api.ts";
import { callBounded } from "./bounded-call.ts";
import { type Clock, realClock } from "./clock.ts";
import { makeContext, silentLogger } from "./context.ts";
import { DEFAULT_RECOVER_TIMEOUT } from "./op-call.ts";
import { checkParams, withDefaults } from "./params.ts";
import { pluginProblems } from "./plugin-shape.ts";
import { resultProblem, show } from "./results.ts";

/** One line of the report: a passed step, a contract violation, or a note. */
export interface CheckLine {
  status: "ok" | "FAIL" | "note";
  step: string;
  detail: string;
}

/** The whole report: config problems (exit 2) stop it early; violations mean exit 1. */
export interface Conformance {
  lines: CheckLine[];
  violations: number;
  configProblems: string[];
  /** Operations that ignored their abort and are still running. */
  lingering: number;
}

/** Knobs for checkConformance; all optional. */
export interface ConformanceOptions {
  clock?: Clock;
  /** Do not call recover (it restarts the real service). */
  skipRecover?: boolean;
  /** How long an operation may take to end after its abort, ms (default 2000). */
  abortGraceMs?: number;
  log?: PluginLogger;
}

/** Check `plugin` as [[agent]] `agent` configures it. */
export async function checkConformance(plugin: SmaPlugin, agent: ServiceAgentConfig, opts: ConformanceOptions = {}): Promise<Conformance> {
  const clock = opts.clock ?? realClock;
  const grace = opts.abortGraceMs ?? 2000;
  const rep: Conformance = { lines: [], violations: 0, configProblems: [], lingering: 0 };
  const line = (status: CheckLine["status"], step: string, detail: string) => {
    rep.lines.push({ status, step, detail });
    if (status === "FAIL") rep.violations += 1;
  };
  const shape = pluginProblems(plugin);
  for (const p of shape) line("FAIL", "api", p);
  if (shape.length > 0) return rep;
  const meta = plugin.meta;
  const params = withDefaults(meta, agent.params);
  line("ok", "meta", `${meta.name}: ${Object.keys(meta.parameters).length} parameter(s); operations: ${["monitor", "recover", "start", "stop"].filter((o) => typeof (plugin as unknown as Record<string, unknown>)[o] === "function").join(", ")}`);
  if (meta.timeout !== undefined && agent.timeout < meta.timeout) line("note", "meta", `agent timeout ${agent.timeout} ms is below the plugin's suggested ${meta.timeout} ms`);

  /** Call one operation; returns its value, or undefined after reporting a throw or a timeout. */
  const call = async (step: string, fn: (ctx: PluginContext) => Awaitable<unknown>, timeout: number, p: Params = params): Promise<{ value: unknown } | undefined> => {
    const c = callBounded((signal) => fn(makeContext(agent.name, p, signal, timeout, opts.log ?? silentLogger)), timeout, clock);
    const o = await c.outcome;
    if (o.kind === "returned") return { value: o.value };
    if (o.kind === "threw") line("FAIL", step, `threw instead of returning: ${o.error}`);
    if (o.kind !== "timeout") return undefined;
    line("FAIL", step, `did not return within its timeout (${timeout} ms)`);
    let cancel = () => {};
    const ended = await Promise.race([c.settled.then(() => true), new Promise<boolean>((r) => (cancel = clock.setTimer(() => r(false), grace)))]);
    cancel();
    if (!ended) {
      rep.lingering += 1;
      line("FAIL", step, `ignored its abort signal: still running ${grace} ms after the timeout`);
    }
    return undefined;
  };
  const problemsOf = (v: { value: unknown } | undefined, step: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (Array.isArray(v.value) && v.value.every((x) => typeof x === "string")) return v.value as string[];
    line("FAIL", step, `returned ${show(v.value)}; expected an array of problem strings`);
    return undefined;
  };
  const operation = async (step: string, fn: (ctx: PluginContext) => Awaitable<unknown>, timeout: number) => {
    if (rep.lingering > 0) return; // an operation still runs: anything more would overlap it
    const v = await call(step, fn, timeout);
    if (v === undefined) return;
    const problem = resultProblem(v.value);
    if (problem !== null) return line("FAIL", step, problem);
    const r = v.value as { result: string; reason: string };
    line("ok", step, `${r.result}: ${r.reason}`);
  };

  const own = problemsOf(await call("validate", (ctx) => plugin.validate(params, ctx), agent.timeout), "validate");
  const configured = [...new Set([...checkParams(meta, agent.params), ...(own ?? [])])];
  if (configured.length > 0) {
    rep.configProblems = configured;
    return rep;
  }
  if (own !== undefined) line("ok", "validate", "no problems with the configured params");
  for (const [name, spec] of Object.entries(meta.parameters)) {
    if (!spec.required) continue;
    const without = { ...params };
    delete without[name];
    const step = `validate without ${name}`;
    const found = problemsOf(await call(step, (ctx) => plugin.validate(without, ctx), agent.timeout, without), step);
    if (found === undefined) continue;
    if (found.length === 0) line("FAIL", step, `accepted the parameters without required parameter ${name}`);
    else line("ok", step, `reports: ${found[0]}`);
  }
  await operation("monitor #1", (ctx) => plugin.monitor(ctx), agent.timeout);
  await operation("monitor #2", (ctx) => plugin.monitor(ctx), agent.timeout);
  const recover = plugin.recover;
  if (recover === undefined) return rep;
  if (opts.skipRecover) {
    line("note", "recover", "skipped (--no-recover)");
    return rep;
  }
  await operation("recover", (ctx) => recover.call(plugin, ctx), meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT);
  await operation("monitor after recover", (ctx) => plugin.monitor(ctx), agent.timeout);
  return rep;
}
