// The agent's services: the monitor runner built from [[monitor]], its events logged, its escalations acted on; plus the takeover resources.
import type { MonitorConfig } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import { describeEvent, type Escalation } from "../monitor/status.ts";
import { loadMonitors } from "../monitor/loader.ts";
import { MonitorRunner } from "../monitor/runner.ts";
import type { ResourceReport } from "../mgmt/protocol.ts";
import type { ResourceSet } from "./resources/set.ts";
import { stopServices } from "./stop-services.ts";
import type { Release } from "./switchover.ts";
import type { MonitorStatus } from "../monitor/status.ts";

/** Before the runner exists (the boot is still running): nothing to show, nothing to pause. */
export const NO_SERVICES: ServiceSide = {
  status: () => [],
  pause: () => false,
  resume: () => false,
  stopAll: async () => {},
  startAll: () => {},
};

/** A side whose implementation arrives later (once the boot has finished). */
export function laterServices(): ServiceSide & { set(side: ServiceSide): void } {
  let side = NO_SERVICES;
  return {
    set: (s) => void (side = s),
    status: () => side.status(),
    pause: (n) => side.pause(n),
    resume: (n) => side.resume(n),
    stopAll: () => side.stopAll(),
    startAll: () => side.startAll(),
  };
}

/** The service side a switchover drives: its stop says what the release left held. */
export type ReleasingSide = Omit<ServiceSide, "stopAll"> & {
  stopAll(): Promise<Release>;
  resources(): ResourceReport[];
};

/**
 * The service side with the takeover resources behind it: a switchover stops the services, then releases the
 * resources (last first) and reports what is still held; an aborted one brings the resources back, then starts
 * the services; status shows them.
 */
export function withResources(side: ServiceSide, resources: ResourceSet): ReleasingSide {
  return {
    status: () => side.status(),
    pause: (n) => side.pause(n),
    resume: (n) => side.resume(n),
    stopAll: async () => {
      let down: Awaited<ReturnType<ResourceSet["downAll"]>>;
      try {
        await side.stopAll();
      } finally {
        down = await resources.downAll();
      }
      return { notReleased: down.ok ? null : down.detail, held: resources.held() };
    },
    startAll: () => void resources.upAll().then(() => side.startAll()),
    resources: () => resources.report(),
  };
}

export interface ServiceSide {
  status(): MonitorStatus[];
  pause(name: string): boolean;
  resume(name: string): boolean;
  stopAll(): Promise<void>;
  startAll(): void;
}

/**
 * Load every plugin (a plugin that fails to load is logged and left out: the others still run), start the
 * runner, and hand escalations to `escalate` (failover: the planned switchover; stop: wait for an admin).
 */
export async function startServices(
  monitors: readonly MonitorConfig[],
  log: Logger,
  escalate: (e: Escalation) => void,
): Promise<ServiceSide> {
  const { specs, errors } = await loadMonitors(monitors);
  for (const e of errors) log.emit("error", "monitor-load", `${e}; its service is not monitored`);
  let runner = make();
  function make(): MonitorRunner {
    return new MonitorRunner(specs, {
      onEvent: (e) => {
        const d = describeEvent(e);
        if (d.level !== "debug") log.emit(d.level, d.event, d.message, { monitor: e.monitor });
      },
      onEscalate: (e) => {
        log.emit("error", "monitor-escalate", `${e.monitor}: ${e.action}: ${e.reason}`, {
          monitor: e.monitor,
          action: e.action,
        });
        escalate(e);
      },
    });
  }
  runner.start();
  if (specs.length > 0)
    log.emit(
      "notice",
      "monitor-start",
      `monitoring ${specs.map((s) => `${s.config.name} (${s.config.plugin})`).join(", ")}`,
    );
  return {
    status: () => runner.status(),
    pause: (n) => runner.pause(n),
    resume: (n) => runner.resume(n),
    stopAll: async () => {
      await runner.stop();
      await stopServices(specs, log, "stop");
    },
    startAll: () => {
      void stopServices(specs, log, "start").then(() => {
        runner = make();
        runner.start();
      });
    },
  };
}
