// Built-in "ocf": an OCF resource agent (OCF_ROOT/resource.d/PROVIDER/TYPE) run with monitor/start/stop/validate-all.

import { accessSync, constants, statSync } from "node:fs";
import { ABSOLUTE_PATH } from "../../config/index.ts";
import { definePlugin, type MonitorResult, type Params, type PluginContext } from "../api.ts";
import type { ProcessResult } from "../api.ts";
import { checkParams, show, str } from "../contract.ts";
import { OCF, processOutcome } from "../ocf-codes.ts";

// Where an OCF resource agent lives and the environment it runs with (OCF_ROOT, OCF_RESKEY_*), as pure functions.

/** "provider/type", like "heartbeat/IPaddr2". */
export const OCF_AGENT = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A parameter name usable in OCF_RESKEY_<name>. */
export const RESKEY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The parameters the ocf plugin itself consumes; the others are passed on. */
export const OWN_PARAMS = ["agent", "ocf_root"];

/** OCF_ROOT/resource.d/PROVIDER/TYPE. */
export function ocfAgentPath(root: string, agent: string): string {
  return `${root.replace(/\/+$/, "")}/resource.d/${agent}`;
}

/** The environment for one action: OCF_ROOT, the instance, provider/type, the timeout and OCF_RESKEY_<param> for every other param. */
export function ocfEnv(
  root: string,
  agent: string,
  instance: string,
  params: Params,
  timeoutMs: number,
): Record<string, string> {
  const [provider = "", type = ""] = agent.split("/");
  const env: Record<string, string> = {
    OCF_ROOT: root,
    OCF_RA_VERSION_MAJOR: "1",
    OCF_RA_VERSION_MINOR: "1",
    OCF_RESOURCE_INSTANCE: instance,
    OCF_RESOURCE_PROVIDER: provider,
    OCF_RESOURCE_TYPE: type,
    OCF_RESKEY_CRM_meta_timeout: String(timeoutMs),
  };
  for (const [k, v] of Object.entries(params)) {
    if (!OWN_PARAMS.includes(k)) env[`OCF_RESKEY_${k}`] = String(v);
  }
  return env;
}

type Action = "monitor" | "start" | "stop" | "validate-all";

/** Run the agent with `action`, its environment built from ctx. */
function runAction(ctx: PluginContext, action: Action): Promise<ProcessResult> {
  const root = str(ctx.params, "ocf_root");
  const agent = str(ctx.params, "agent");
  return ctx.run([ocfAgentPath(root, agent), action], { env: ocfEnv(root, agent, ctx.name, ctx.params, ctx.timeout) });
}

/** Run `action` and read its exit code per the OCF map. */
async function act(ctx: PluginContext, action: Action): Promise<MonitorResult> {
  return processOutcome(`${str(ctx.params, "agent")} ${action}`, await runAction(ctx, action));
}

/**
 * Shape checks, then the installed file, then the agent's own validate-all, its exit code read per the OCF map:
 * 0 and 3 (unimplemented) are fine; 6 (not configured) is a problem (fatal); the others are results for this node:
 * 5 not installed, 4 insufficient privileges, 2 invalid arguments are hard errors (fail over), 1 a soft error.
 */
async function problems(params: Params, ctx: PluginContext | undefined): Promise<string[] | MonitorResult> {
  const out = checkParams(ocf.meta, params);
  const { agent, ocf_root: root } = params;
  if (typeof agent === "string" && !OCF_AGENT.test(agent))
    out.push(`parameter agent = ${show(agent)}: expected "provider/type", like "heartbeat/IPaddr2"`);
  if (typeof root === "string" && !ABSOLUTE_PATH.test(root))
    out.push(`parameter ocf_root = ${show(root)}: expected an absolute path`);
  for (const k of Object.keys(params)) {
    if (!RESKEY_NAME.test(k))
      out.push(
        `parameter ${k} = ${show(params[k])}: cannot be passed as OCF_RESKEY_${k}; expected a name of letters, digits and _`,
      );
  }
  if (out.length > 0 || typeof agent !== "string" || typeof root !== "string") return out;
  const path = ocfAgentPath(root, agent);
  try {
    if (!statSync(path).isFile()) throw new Error("not a file");
    accessSync(path, constants.X_OK);
  } catch (e) {
    return [
      `parameter agent = ${show(agent)}: ${path} is ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "not an executable file"}; expected an installed OCF resource agent`,
    ];
  }
  if (ctx === undefined) return [];
  const r = await runAction({ ...ctx, params }, "validate-all");
  if (r.exitCode === OCF.SUCCESS || r.exitCode === OCF.ERR_UNIMPLEMENTED) return [];
  const out2 = processOutcome(`${agent} validate-all`, r);
  return out2.result === "fatal" ? [`${agent} validate-all rejected the parameters: ${out2.reason}`] : out2;
}

/** The plugin. */
const ocf = definePlugin({
  meta: {
    name: "ocf",
    description:
      "an OCF resource agent; every other parameter is passed as OCF_RESKEY_<name>; recover = stop, then start",
    parameters: {
      agent: { type: "string", required: true, doc: '"provider/type", found as OCF_ROOT/resource.d/provider/type' },
      ocf_root: { type: "string", default: "/usr/lib/ocf", doc: "OCF_ROOT" },
    },
    extraParameters: true,
    interval: 10000,
    timeout: 20000,
    recoverTimeout: 40000,
  },
  validate: (params: Params, ctx?: PluginContext) => problems(params, ctx),
  monitor: (ctx: PluginContext) => act(ctx, "monitor"),
  /** Pacemaker's recovery: stop (which must succeed: a failed stop is a hard error), then start. */
  async recover(ctx: PluginContext): Promise<MonitorResult> {
    const stopped = await act(ctx, "stop");
    if (stopped.result !== "running")
      return {
        result: stopped.result === "fatal" ? "fatal" : "hard-error",
        reason: `stop failed, not starting again: ${stopped.reason}`,
      };
    return act(ctx, "start");
  },
  start: (ctx: PluginContext) => act(ctx, "start"),
  stop: (ctx: PluginContext) => act(ctx, "stop"),
});

export default ocf;
