// Parameter validation as an operation: the declared-parameter check plus the plugin's own validate().
import type { MonitorResult, Params, PluginContext, SmaPlugin } from "./api.ts";
import { checkParams } from "./params.ts";
import { show } from "./results.ts";

/** Problems first from the declarations, then from validate(), without repeats. */
export async function collectProblems(plugin: SmaPlugin, raw: Params, params: Params, ctx: PluginContext): Promise<string[] | string> {
  const declared = checkParams(plugin.meta, raw);
  const own: unknown = await plugin.validate(params, ctx);
  if (!Array.isArray(own) || !own.every((p) => typeof p === "string")) return `validate returned ${show(own)}; expected an array of strings`;
  return [...new Set([...declared, ...own])];
}

/** validate as a MonitorResult: running when valid, fatal (not configured) with the problems, soft error on a bad return. */
export function validateOp(plugin: SmaPlugin, raw: Params, params: Params): (ctx: PluginContext) => Promise<MonitorResult> {
  return async (ctx) => {
    const p = await collectProblems(plugin, raw, params, ctx);
    if (typeof p === "string") return { result: "soft-error", reason: `plugin contract violation: ${p}` };
    if (p.length > 0) return { result: "fatal", reason: p.join("; ") };
    return { result: "running", reason: "parameters valid" };
  };
}
