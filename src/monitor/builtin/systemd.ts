// Built-in "systemd": a unit's `systemctl is-active`; recover is `systemctl restart`.
import { definePlugin, type MonitorResult, type Params, type PluginContext } from "../api.ts";
import { checkParams, str, show } from "../contract.ts";
import { lastLine } from "../run-process.ts";
import { processOutcome } from "../ocf-codes.ts";

/** A unit name as systemctl takes it (no option-looking or path-looking names). */
const UNIT = /^[A-Za-z0-9:_.\\@][A-Za-z0-9:_.\\@-]*$/;

/** What `systemctl is-active` printed, as a result. */
export function activeStateResult(state: string, exitCode: number | null): MonitorResult {
  switch (state) {
    case "active":
      return { result: "running", reason: "active" };
    case "inactive":
      return { result: "not-running", reason: "inactive" };
    case "failed":
      return { result: "soft-error", reason: "failed" };
    case "activating":
    case "deactivating":
    case "reloading":
    case "refreshing":
      return { result: "soft-error", reason: `${state} (in transition)` };
    default:
      return { result: "soft-error", reason: `systemctl is-active printed ${show(state)} (exit ${exitCode})` };
  }
}

function problems(params: Params): string[] {
  const out = checkParams(systemd.meta, params);
  const unit = params.unit;
  if (typeof unit === "string" && !UNIT.test(unit))
    out.push(`parameter unit = ${show(unit)}: expected a systemd unit name like "nginx.service"`);
  const bin = params.systemctl;
  if (typeof bin === "string" && !/^(\/[^\0\n]+|[A-Za-z0-9_.-]+)$/.test(bin))
    out.push(`parameter systemctl = ${show(bin)}: expected a program name or an absolute path`);
  return out;
}

/** Run `systemctl VERB UNIT` and read its exit code the systemctl way (0 done, else failed). */
async function verb(ctx: PluginContext, v: "restart" | "start" | "stop"): Promise<MonitorResult> {
  const unit = str(ctx.params, "unit");
  const r = await ctx.run([str(ctx.params, "systemctl"), v, unit]);
  if (r.error !== undefined || r.killed || r.exitCode === null) return processOutcome(`systemctl ${v} ${unit}`, r);
  if (r.exitCode === 0) return { result: "running", reason: `systemctl ${v} ${unit} succeeded` };
  return { result: "soft-error", reason: `systemctl ${v} ${unit} exited ${r.exitCode}: ${lastLine(r)}` };
}

/** The plugin. */
const systemd = definePlugin({
  meta: {
    name: "systemd",
    description: "a systemd unit is active (systemctl is-active); recover restarts it",
    parameters: {
      unit: { type: "string", required: true, doc: 'the unit, like "nginx.service"' },
      systemctl: { type: "string", default: "systemctl", doc: "the systemctl program (name or absolute path)" },
    },
    interval: 10000,
    timeout: 5000,
    recoverTimeout: 90000,
  },
  validate: (params: Params) => problems(params),
  async monitor(ctx: PluginContext): Promise<MonitorResult> {
    const unit = str(ctx.params, "unit");
    const r = await ctx.run([str(ctx.params, "systemctl"), "is-active", unit]);
    if (r.error !== undefined || r.killed || r.exitCode === null)
      return processOutcome(`systemctl is-active ${unit}`, r);
    const state = r.stdout.trim().split("\n")[0] ?? "";
    const res = activeStateResult(state, r.exitCode);
    return { result: res.result, reason: `${unit} is ${res.reason}` };
  },
  recover: (ctx: PluginContext) => verb(ctx, "restart"),
  start: (ctx: PluginContext) => verb(ctx, "start"),
  stop: (ctx: PluginContext) => verb(ctx, "stop"),
});

export default systemd;
