// Where an OCF resource agent lives and the environment it runs with (OCF_ROOT, OCF_RESKEY_*), as pure functions.
import type { Params } from "../api.ts";

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
export function ocfEnv(root: string, agent: string, instance: string, params: Params, timeoutMs: number): Record<string, string> {
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
