// Read a Redfish ComputerSystem resource: its PowerState, and where its ComputerSystem.Reset action lives.
import type { PowerState } from "./agent.ts";

/** The conventional path of Systems/<id>. */
export function systemPath(system: string): string {
  return `/redfish/v1/Systems/${encodeURIComponent(system)}`;
}

/** PowerState "Off" is off; On, PoweringOn, PoweringOff and Paused may still hold the disk, so they are on. */
export function powerOf(body: Record<string, unknown>): PowerState {
  const ps = body.PowerState;
  if (ps === "Off") return { power: "off", detail: "PowerState Off" };
  if (typeof ps === "string" && ps !== "") return { power: "on", detail: `PowerState ${ps}` };
  return { power: "unknown", detail: "the system resource has no PowerState" };
}

/** The Reset action's target from Actions."#ComputerSystem.Reset".target (same origin only), else the conventional path. */
export function resetPath(body: Record<string, unknown>, fallbackSystem: string, base: string): string {
  const actions = body.Actions as Record<string, { target?: unknown } | undefined> | undefined;
  const target = actions?.["#ComputerSystem.Reset"]?.target;
  if (typeof target === "string" && target !== "") {
    // Credentials go with the POST: never follow a target to another host.
    const u = URL.parse(target, `${base}/`);
    if (u && u.origin === URL.parse(base)?.origin) return u.pathname + u.search;
  }
  const id = typeof body["@odata.id"] === "string" && (body["@odata.id"] as string).startsWith("/") ? (body["@odata.id"] as string) : systemPath(fallbackSystem);
  return `${id.replace(/\/+$/, "")}/Actions/ComputerSystem.Reset`;
}
