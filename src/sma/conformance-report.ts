// The conformance report and the one way its steps are run: bounded, each throw, timeout or ignored abort one FAIL line.
import type { Awaitable, MonitorResult, Params, PluginContext, PluginLogger, ResultKind } from "./api.ts";
import { callBounded } from "./bounded-call.ts";
import type { Clock } from "./clock.ts";
import { makeContext, silentLogger } from "./context.ts";
import { resultProblem } from "./results.ts";

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

/** Runs steps for one agent and writes the report. */
export class ReportWriter {
  readonly rep: Conformance = { lines: [], violations: 0, configProblems: [], lingering: 0 };

  constructor(
    private readonly agent: string,
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
  async call(step: string, fn: (ctx: PluginContext) => Awaitable<unknown>, timeout: number, p: Params = this.params): Promise<{ value: unknown } | undefined> {
    const c = callBounded((signal) => fn(makeContext(this.agent, p, signal, timeout, this.log)), timeout, this.clock);
    const o = await c.outcome;
    if (o.kind === "returned") return { value: o.value };
    if (o.kind === "threw") this.line("FAIL", step, `threw instead of returning: ${o.error}`);
    if (o.kind !== "timeout") return undefined;
    this.line("FAIL", step, `did not return within its timeout (${timeout} ms)`);
    let cancel = () => {};
    const ended = await Promise.race([c.settled.then(() => true), new Promise<boolean>((r) => (cancel = this.clock.setTimer(() => r(false), this.graceMs)))]);
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
  async operation(step: string, fn: (ctx: PluginContext) => Awaitable<unknown>, timeout: number, expect?: { kinds: readonly ResultKind[]; why: string }): Promise<MonitorResult | undefined> {
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
