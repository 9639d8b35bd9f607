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
export function judgeValidation(declared: readonly string[], returned: unknown): MonitorResult {
  const own = validateReturn(returned);
  const problems = [...new Set([...declared, ...(Array.isArray(own) ? own : [])])];
  if (problems.length > 0) return { result: "fatal", reason: problems.join("; ") };
  if (Array.isArray(own)) return VALID;
  if (own === null) return { result: "soft-error", reason: `plugin contract violation: validate returned ${show(returned)}; expected an array of problem strings or a result { result, reason }` };
  return own.result === "running" ? VALID : { result: own.result, reason: `validate: ${own.reason}` };
}

/** validate's return as its contract reads it: a list of problems, a result for this node, or null (any other shape). */
export function validateReturn(v: unknown): string[] | MonitorResult | null {
  if (Array.isArray(v) && v.every((p) => typeof p === "string")) return v as string[];
  return resultProblem(v) === null ? (v as MonitorResult) : null;
}

/** validate as an operation for the runner: see judgeValidation. */
export function validateOp(plugin: SmaPlugin, raw: Params, params: Params): (ctx: PluginContext) => Promise<MonitorResult> {
  return async (ctx) => judgeValidation(checkParams(plugin.meta, raw), await plugin.validate(params, ctx));
}
