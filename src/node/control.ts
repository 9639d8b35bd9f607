// The node's answers to the management socket, served by the agent after boot and by the guard parked in the initrd:
// status from the guard and the service monitors; takeover, standby, fence, monitors.
import type { ClusterConfig } from "../config/index.ts";
import type { Outcome } from "../core/types.ts";
import { blockedBy } from "../core/index.ts";
import type { ControlHandler, Reply, ResourceReport, StatusReport } from "../mgmt/protocol.ts";
import type { MonitorStatus } from "../monitor/status.ts";
import type { NodeRuntime } from "./runtime.ts";

/** What the agent's service side offers the handler (the monitor runner). */
export interface Services {
  status(): MonitorStatus[];
  pause(name: string): boolean;
  resume(name: string): boolean;
  /** The takeover resources' states, when the agent has any. */
  resources?(): ResourceReport[];
}

/** Builds the handler; `standby` runs the planned switchover. */
export function controlHandler(o: {
  config: ClusterConfig;
  guard: NodeRuntime;
  services: Services;
  standby: () => Promise<Outcome>;
}): ControlHandler {
  const { guard, services } = o;
  const fail = <T>(error: string): Reply<T> => ({ ok: false, error });
  return {
    status(): StatusReport {
      const s = guard.state;
      return {
        generatedAt: new Date().toISOString(),
        cluster: o.config.cluster.name,
        node: s.self.name,
        role: s.role,
        incarnation: guard.incarnation,
        peer: {
          name: s.peer.name,
          role: s.peerView.role,
          lastHeardAgoMs: guard.peerSilentMs(),
          ...(guard.peerIncarnation !== null ? { incarnation: guard.peerIncarnation } : {}),
        },
        links: guard.linkReport(),
        lateHeartbeats: guard.lateHeartbeats,
        fence: guard.fenceInfo,
        monitors: services.status(),
        resources: services.resources?.() ?? [],
        // A boot that released the ACTIVE role says so first: nothing else can make it ACTIVE again.
        blocked: guard.releasedThisBoot ?? blockedBy(s),
      };
    },
    async takeover() {
      const r = await guard.requestTakeover();
      return r.ok ? { ok: true, result: r.detail } : fail(r.detail);
    },
    async standby() {
      if (guard.state.role !== "ACTIVE") return fail(`this node is ${guard.state.role}, not ACTIVE`);
      const r = await o.standby();
      return r.ok ? { ok: true, result: r.detail } : fail(r.detail);
    },
    async fence(target, manual) {
      if (target !== guard.state.peer.name)
        return fail(
          `${target}: expected the peer's name, ${guard.state.peer.name} (a node never fences itself on request)`,
        );
      const r = manual
        ? guard.confirmOff(`${target} confirmed off by hand (clusterguard fence --manual)`)
        : await guard.fenceNow("reset");
      return r.ok ? { ok: true, result: r.detail } : fail(r.detail);
    },
    async monitors(action, name) {
      if (action === "list") return { ok: true, result: services.status() };
      if (!name) return fail(`monitors ${action}: expected a monitor name`);
      const done = action === "pause" ? services.pause(name) : services.resume(name);
      return done ? { ok: true, result: services.status() } : fail(monitorRefusal(action, name, services.status()));
    },
  };
}

// Why `clusterguard monitors pause|resume NAME` did nothing: no such monitor, or one in the wrong state; pure.

/** The error for a pause or resume the runner refused, from the monitors' states. */
export function monitorRefusal(
  action: "pause" | "resume",
  name: string,
  monitors: readonly Pick<MonitorStatus, "name" | "state">[],
): string {
  const a = monitors.find((x) => x.name === name);
  if (a === undefined)
    return `no monitor named ${name}; configured: ${monitors.map((x) => x.name).join(", ") || "none"}`;
  if (action === "resume")
    return `cannot resume ${name}: it is active (${a.state}); expected a paused or stopped monitor`;
  const now =
    a.state === "stopped"
      ? `stopped (for good, waiting for an admin: clusterguard monitors resume ${name})`
      : `already ${a.state}`;
  return `cannot pause ${name}: it is ${now}; expected an active monitor (idle, running or terminating)`;
}
