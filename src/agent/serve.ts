// Wire the agent's service side: the management socket, the control handler and the planned switchover.
import type { ClusterConfig } from "../config/index.ts";
import type { Outcome } from "../core/types.ts";
import type { NodeRuntime } from "../node/runtime.ts";
import type { Logger } from "../log/logger.ts";
import { controlHandler, type Services } from "../node/control.ts";
import { type ManagementServer, startManagement } from "../mgmt/server.ts";
import type { ControlHandler } from "../mgmt/protocol.ts";
import { freezePath, remountPath, thawPath } from "../sys/freeze.ts";
import { readMountFacts, type SharedDevice } from "./mount-facts.ts";
import type { ReleasingSide } from "./services.ts";
import { switchover, type SwitchoverSteps } from "./switchover.ts";

export interface ServeOptions {
  config: ClusterConfig;
  guard: NodeRuntime;
  services: Services & Pick<ReleasingSide, "stopAll" | "startAll">;
  log: Logger;
  hostMode: boolean;
  /** Reset this machine (a real node) or end the process (host mode). */
  reboot: (reason: string) => void;
  socket?: string;
  /** The file-system side of a switchover and the clock, where not this machine's (a simulator passes its own). */
  system?: Partial<
    Pick<
      SwitchoverSteps,
      "mountFacts" | "freezeMount" | "thawMount" | "remountReadOnly" | "remountWritable" | "freeze" | "clock"
    >
  >;
}

/**
 * The planned switchover bound to this guard. The disks of the root, the heartbeat area and the mount resources are
 * shared; host mode never freezes the host's root and does not count its disk as shared (a held [[resource]] mount
 * and the other file systems on the heartbeat area's disk it does freeze).
 */
export function standbyFor(o: ServeOptions): () => Promise<Outcome> {
  const { guard, config } = o;
  const heard = () => {
    const silent = guard.peerSilentMs();
    return silent !== null && silent < config.timers.deadtime;
  };
  let running: Promise<Outcome> | null = null;
  return () =>
    (running ??= switchover({
      peerNotReady: () =>
        !heard()
          ? `${guard.state.peer.name} is not heard on any link`
          : guard.state.peerView.role !== "STANDBY"
            ? `${guard.state.peer.name} is ${guard.state.peerView.role}, not STANDBY`
            : null,
      stopServices: () => o.services.stopAll(),
      resumeServices: async () => o.services.startAll(),
      mountFacts: () => readMountFacts(sharedDevices(config), !o.hostMode),
      freezeMount: freezePath,
      thawMount: thawPath,
      remountReadOnly: (t) => remountPath(t, "ro"),
      remountWritable: (t) => remountPath(t, "rw"),
      freeze: () => (o.hostMode ? Promise.resolve(null) : freezePath("/")),
      announceStopped: (reason) => guard.announceStopped(reason),
      peerActive: () => heard() && guard.state.peerView.role === "ACTIVE",
      reboot: o.reboot,
      log: (level, event, message, fields) => o.log.emit(level, event, message, fields ?? {}),
      ...o.system,
    }).finally(() => {
      running = null;
    }));
}

/** The configured devices that make their disks shared: the heartbeat area and each mount resource's device. */
export function sharedDevices(config: ClusterConfig): SharedDevice[] {
  const out: SharedDevice[] = [];
  const disk = config.channels.disk;
  if (disk.enabled && disk.device) out.push({ device: disk.device, what: "the heartbeat area" });
  for (const r of config.resource)
    if (r.type === "mount") out.push({ device: r.device, what: `mount resource ${r.name}` });
  return out;
}

/** The agent's answers to management requests (the socket's and the web console's). */
export function agentHandler(o: ServeOptions, standby: () => Promise<Outcome>): ControlHandler {
  return controlHandler({ config: o.config, guard: o.guard, services: o.services, standby });
}

/** Start the management socket with the agent's handler. */
export async function serveManagement(o: ServeOptions, handler: ControlHandler): Promise<ManagementServer> {
  const m = o.socket ? { ...o.config.management, socket: o.socket } : o.config.management;
  return startManagement(m, handler, o.log);
}
