// Parameter validation as an operation: the declared-parameter check plus the plugin's own validate(), as a result.
import type { MonitorResult, Params, PluginContext, SmaPlugin } from "./api.ts";
import { checkParams } from "./params.ts";
import { resultProblem, show } from "./results.ts";

const VALID: MonitorResult = { result: "running", reason: "parameters valid" };

/**
 * What validation comes to: the declared problems and the plugin's own (a list: fatal when not empty) or its
 * result for this node (hard-error: fail over; soft-error: a failure, tried again; fatal; running); a return of
 * another shape is a soft error naming the contract violation.
 */
export function judgeValidation(declared: readonly string[], own: unknown): MonitorResult {
  const list = Array.isArray(own) && own.every((p) => typeof p === "string") ? (own as string[]) : null;
  const problems = [...new Set([...declared, ...(list ?? [])])];
  if (problems.length > 0) return { result: "fatal", reason: problems.join("; ") };
  if (list !== null) return VALID;
  if (resultProblem(own) !== null) return { result: "soft-error", reason: `plugin contract violation: validate returned ${show(own)}; expected an array of problem strings or a result { result, reason }` };
  const r = own as MonitorResult;
  return r.result === "running" ? VALID : { result: r.result, reason: `validate: ${r.reason}` };
}

/** validate as an operation for the runner: see judgeValidation. */
export function validateOp(plugin: SmaPlugin, raw: Params, params: Params): (ctx: PluginContext) => Promise<MonitorResult> {
  return async (ctx) => judgeValidation(checkParams(plugin.meta, raw), await plugin.validate(params, ctx));
}
