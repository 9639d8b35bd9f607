// The ocf-tester of monitor plugins (`clusterguard monitors test`): validate, monitor twice, recover then monitor, optionally
// start/stop; every contract violation one line. Also `clusterguard monitors plugins`: plugins described for people.

import type { MonitorConfig } from "../config/types.ts";
import type {
  Awaitable,
  MonitorResult,
  Params,
  PluginContext,
  PluginLogger,
  PluginMeta,
  ResultKind,
  MonitorPlugin,
} from "./api.ts";
import { checkParams, pluginProblems, resultProblem, show, validateReturn, withDefaults } from "./contract.ts";
import { callBounded, type Clock, DEFAULT_RECOVER_TIMEOUT, makeContext, realClock, silentLogger } from "./operation.ts";

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

/** Check `plugin` as [[monitor]] `monitor` configures it. */
export async function checkConformance(
  plugin: MonitorPlugin,
  monitor: MonitorConfig,
  opts: ConformanceOptions = {},
): Promise<Conformance> {
  const shape = pluginProblems(plugin);
  const meta = plugin.meta;
  const params = shape.length > 0 ? {} : withDefaults(meta, monitor.params);
  const w = new ReportWriter(monitor.name, params, opts.clock ?? realClock, opts.abortGraceMs ?? 2000, opts.log);
  for (const p of shape) w.line("FAIL", "api", p);
  if (shape.length > 0) return w.rep;
  const ops = ["monitor", "recover", "start", "stop"].filter(
    (o) => typeof (plugin as unknown as Record<string, unknown>)[o] === "function",
  );
  w.line(
    "ok",
    "meta",
    `${meta.name}: ${Object.keys(meta.parameters).length} parameter(s); operations: ${ops.join(", ")}`,
  );
  if (meta.timeout !== undefined && monitor.timeout < meta.timeout)
    w.line("note", "meta", `monitor timeout ${monitor.timeout} ms is below the plugin's suggested ${meta.timeout} ms`);

  /** validate's return on `p` (problems, or a result for this node), or undefined after a FAIL line. */
  const validate = async (step: string, p: typeof params): Promise<string[] | MonitorResult | undefined> => {
    const v = await w.call(step, (ctx) => plugin.validate(p, ctx), monitor.timeout, p);
    if (v === undefined) return undefined;
    const r = validateReturn(v.value);
    if (r !== null) return r;
    return void w.line(
      "FAIL",
      step,
      `returned ${show(v.value)}; expected an array of problem strings or a result { result, reason }`,
    );
  };

  const own = await validate("validate", params);
  const ownProblems = Array.isArray(own) ? own : own?.result === "fatal" ? [own.reason] : [];
  const configured = [...new Set([...checkParams(meta, monitor.params), ...ownProblems])];
  if (configured.length > 0) {
    w.rep.configProblems = configured;
    return w.rep;
  }
  if (Array.isArray(own) || own?.result === "running")
    w.line("ok", "validate", "no problems with the configured params");
  else if (own !== undefined)
    w.line(
      "note",
      "validate",
      `${own.result}: ${own.reason} (${own.result === "hard-error" ? "the monitor would ask for failover" : "the monitor counts it as a failure and validates again"})`,
    );
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
  const first = await w.operation("monitor #1", (ctx) => plugin.monitor(ctx), monitor.timeout);
  await w.operation("monitor #2", (ctx) => plugin.monitor(ctx), monitor.timeout);
  await checkRecover(w, plugin, monitor, opts);
  if (opts.startStop) await checkStartStop(w, plugin, monitor, first);
  return w.rep;
}

/** recover, then a monitor that must say running (a restart in place that leaves the service down is a violation). */
async function checkRecover(
  w: ReportWriter,
  plugin: MonitorPlugin,
  monitor: MonitorConfig,
  opts: ConformanceOptions,
): Promise<void> {
  const recover = plugin.recover;
  if (recover === undefined) return;
  if (plugin.canRecover?.(withDefaults(plugin.meta, monitor.params)) === false)
    return w.line(
      "note",
      "recover",
      "not possible with these parameters (canRecover says no): a failure fails over at once",
    );
  if (opts.skipRecover) return w.line("note", "recover", "skipped (--no-recover)");
  const r = await w.operation(
    "recover",
    (ctx) => recover.call(plugin, ctx),
    plugin.meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT,
  );
  if (r === undefined && w.rep.lingering > 0) return;
  await w.operation("monitor after recover", (ctx) => plugin.monitor(ctx), monitor.timeout, {
    kinds: ["running"],
    why: "recover restarts the service in place",
  });
}

/** stop/start as the switchover and the resource takeover use them, from the state the service was found in. */
async function checkStartStop(
  w: ReportWriter,
  plugin: MonitorPlugin,
  monitor: MonitorConfig,
  found: MonitorResult | undefined,
): Promise<void> {
  const { start, stop } = plugin;
  if (start === undefined || stop === undefined)
    return w.line(
      "note",
      "start/stop",
      `the plugin has no ${start === undefined ? "start" : "stop"}: not checked (a switchover skips it; the freeze covers the service)`,
    );
  const plan = found === undefined ? null : startStopPlan(found.result);
  if (plan === null)
    return w.line(
      "note",
      "start/stop",
      `not checked: the service is ${found === undefined ? "of unknown state" : `${found.result} (${found.reason})`}, neither running nor cleanly stopped`,
    );
  const recoverTimeout = plugin.meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT;
  for (const s of plan) {
    const fn = s.op === "monitor" ? plugin.monitor : s.op === "start" ? start : stop;
    const r = await w.operation(
      s.label,
      (ctx) => fn.call(plugin, ctx),
      s.op === "monitor" ? monitor.timeout : recoverTimeout,
      { kinds: s.expect, why: s.why },
    );
    if (r === undefined && w.rep.lingering > 0) return;
  }
}

// The conformance report and the one way its steps are run: bounded, each throw, timeout or ignored abort one FAIL line.

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

/** Runs steps for one monitor and writes the report. */
export class ReportWriter {
  readonly rep: Conformance = { lines: [], violations: 0, configProblems: [], lingering: 0 };

  constructor(
    private readonly monitor: string,
    private readonly params: Params,
    private readonly clock: Clock,
    private readonly graceMs: number,
    private readonly log: PluginLogger = silentLogger,
  ) {}

  /** Add a line (a FAIL counts as a violation). */
  line(status: CheckLine["status"], step: string, detail: string): void {
    this.rep.lines.push({ status, step, detail });
    if (status === "FAIL") this.rep.violations += 1;
  }

  /** Call one operation; its value, or undefined after reporting a throw or a timeout (and an ignored abort). */
  async call(
    step: string,
    fn: (ctx: PluginContext) => Awaitable<unknown>,
    timeout: number,
    p: Params = this.params,
  ): Promise<{ value: unknown } | undefined> {
    const c = callBounded((signal) => fn(makeContext(this.monitor, p, signal, timeout, this.log)), timeout, this.clock);
    const o = await c.outcome;
    if (o.kind === "returned") return { value: o.value };
    if (o.kind === "threw") this.line("FAIL", step, `threw instead of returning: ${o.error}`);
    if (o.kind !== "timeout") return undefined;
    this.line("FAIL", step, `did not return within its timeout (${timeout} ms)`);
    let cancel = () => {};
    const ended = await Promise.race([
      c.settled.then(() => true),
      new Promise<boolean>((r) => (cancel = this.clock.setTimer(() => r(false), this.graceMs))),
    ]);
    cancel();
    if (!ended) {
      this.rep.lingering += 1;
      this.line("FAIL", step, `ignored its abort signal: still running ${this.graceMs} ms after the timeout`);
    }
    return undefined;
  }

  /**
   * Run an operation that returns a result; `expect` lists the result classes the contract allows here (any
   * valid one when left out). The result, or undefined when it broke the contract or nothing may run any more.
   */
  async operation(
    step: string,
    fn: (ctx: PluginContext) => Awaitable<unknown>,
    timeout: number,
    expect?: { kinds: readonly ResultKind[]; why: string },
  ): Promise<MonitorResult | undefined> {
    if (this.rep.lingering > 0) return undefined; // an operation still runs: anything more would overlap it
    const v = await this.call(step, fn, timeout);
    if (v === undefined) return undefined;
    const problem = resultProblem(v.value);
    if (problem !== null) return void this.line("FAIL", step, problem);
    const r = v.value as MonitorResult;
    if (expect !== undefined && !expect.kinds.includes(r.result)) {
      this.line("FAIL", step, `${r.result}: ${r.reason}; expected ${expect.kinds.join(" or ")} (${expect.why})`);
      return r;
    }
    this.line("ok", step, `${r.result}: ${r.reason}`);
    return r;
  }
}

// Which start/stop steps `monitors test --start-stop` runs, as ocf-tester does: from the state the service is found in,
// through the other state and back, each action twice (it must be idempotent), a monitor after each; pure.

/** One step: an action or a monitor, and the result classes the contract allows there. */
export interface PlanStep {
  op: "start" | "stop" | "monitor";
  label: string;
  expect: readonly ResultKind[];
  why: string;
}

const STOP_OK: readonly ResultKind[] = ["running", "not-running"];
const planStep = (op: PlanStep["op"], label: string, expect: readonly ResultKind[], why: string): PlanStep => ({
  op,
  label,
  expect,
  why,
});

/** Stop twice, then a monitor that must say not running. */
function stopping(): PlanStep[] {
  return [
    planStep("stop", "stop", STOP_OK, "a stop succeeds"),
    planStep("monitor", "monitor after stop", ["not-running"], "a stopped service is cleanly not running"),
    planStep("stop", "stop again (already stopped)", STOP_OK, "stopping a stopped service succeeds"),
    planStep("monitor", "monitor after the second stop", ["not-running"], "still cleanly stopped"),
  ];
}

/** Start twice, then a monitor that must say running. */
function starting(): PlanStep[] {
  return [
    planStep("start", "start", ["running"], "a start succeeds"),
    planStep("monitor", "monitor after start", ["running"], "a started service runs"),
    planStep("start", "start again (already running)", ["running"], "starting a running service succeeds"),
    planStep("monitor", "monitor after the second start", ["running"], "still running"),
  ];
}

/** The steps for a service found `found`; null when it is neither running nor cleanly stopped (not touched). */
export function startStopPlan(found: ResultKind): PlanStep[] | null {
  if (found === "running") return [...stopping(), ...starting()];
  if (found === "not-running") return [...starting(), ...stopping()];
  return null;
}

// Plugins described for people: `clusterguard monitors plugins` lines and a JSON form.

/** The operations a plugin implements. */
export function operations(p: MonitorPlugin): string[] {
  return ["validate", "monitor", ...(["recover", "start", "stop"] as const).filter((o) => typeof p[o] === "function")];
}

/** One parameter as "name (type, required|default X)". */
function paramHead(name: string, spec: PluginMeta["parameters"][string]): string {
  const extra = spec.required
    ? "required"
    : spec.default !== undefined
      ? `default ${JSON.stringify(spec.default)}`
      : "optional";
  return `${name} (${spec.type}, ${extra})`;
}

/** Lines describing `p`: name and description, each parameter, operations and suggested timings. */
export function describePlugin(p: MonitorPlugin): string[] {
  const m = p.meta;
  const params = Object.entries(m.parameters).map(([n, s]) => [paramHead(n, s), s.doc] as const);
  const width = Math.max(0, ...params.map(([h]) => h.length));
  const timing = [m.interval && `interval ${m.interval} ms`, m.timeout && `timeout ${m.timeout} ms`]
    .filter(Boolean)
    .join(", ");
  return [
    `${m.name}: ${m.description}`,
    ...params.map(([h, d]) => `    ${h.padEnd(width)}  ${d}`),
    ...(m.extraParameters ? ["    (any other parameter is passed on)"] : []),
    `    operations: ${operations(p).join(", ")}${timing === "" ? "" : `; suggested ${timing}`}`,
  ];
}

/** The JSON form of `p` for --json. */
export function pluginJson(p: MonitorPlugin): Record<string, unknown> {
  return { ...p.meta, operations: operations(p) };
}
