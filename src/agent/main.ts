// Run the agent end to end: take this boot's links over from the guard, keep heartbeating as ACTIVE, serve.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ClusterConfig } from "../config/index.ts";
import { configDigests, DEFAULT_AUTHKEY_PATH, DEFAULT_CONFIG_PATH, formatConfigError } from "../config/index.ts";
import { configDrift, readConfigRecord, readStopped } from "../node/boot-record.ts";
import { bootId, HANDOVER_FILE, HANDOVER_SOCKET } from "../node/handover.ts";
import { serveHandover } from "../node/handover.ts";
import { EXIT_FAILURE, EXIT_USAGE } from "../cli/exit-codes.ts";
import {
  fenceLevelsFor,
  goRealtime,
  type NodeCli,
  nodeLogger,
  resolveNode,
  runDirOf,
  serialHazard,
} from "../node/bootstrap.ts";
import { parseKernelArgs, readCmdline } from "../node/kernel-args.ts";
import { NodeRuntime } from "../node/runtime.ts";
import { NotifyHooks } from "../notify/hooks.ts";
import { sdNotify } from "../sys/sd-notify.ts";
import { agentEffectors } from "../node/effectors.ts";
import { failoverLog } from "./failover-log.ts";
import { requestHandover, takeHandoverFile } from "../node/handover.ts";
import { resourcesFrom } from "./resources/from-config.ts";
import { ResourceSet } from "./resources/set.ts";
import { ChangeGate } from "./change-gate.ts";
import { consoleRecord, serveConsole } from "./console.ts";
import { agentHandler, serveManagement, standbyFor } from "./serve.ts";
import { laterServices, startServices, withResources } from "./services.ts";
import { bootFinished, systemStopping } from "./system-state.ts";

/** The guard's options, plus where a stopped agent leaves its snapshot. */
export interface AgentCli extends NodeCli {
  handoverFile?: string;
  /** Under journald: which events also go to kmsg (default: critical ones). */
  kmsgEvents?: "all" | "critical";
  /** The files the agent runs with (the web console's configurator edits the config). */
  configPath?: string;
  authkeyPath?: string;
}

/** Runs until the machine stops, a successor takes the links, or an admin stops it; resolves with the exit code. */
export async function runAgent(config: ClusterConfig, key: Uint8Array, cli: AgentCli): Promise<number> {
  // The firmware-console check is the guard's, at boot: an agent that refused on a running ACTIVE would stop its
  // heartbeats and turn a hazard of the next reboot into a failover now.
  const r = resolveNode(config, key, parseKernelArgs(readCmdline()), cli, undefined, () => null);
  if (!r.ok) {
    console.error(formatConfigError(r.error));
    return EXIT_USAGE;
  }
  // The [[notify]] hooks see every event as it is logged and queue the ones they take; they see the runtime's roles.
  let runtime: NodeRuntime | null = null;
  const hooks = new NotifyHooks(config.notify, {
    context: () => ({
      cluster: config.cluster.name,
      node: r.options.self.name,
      peer: r.options.peer.name,
      role: runtime?.state.role ?? null,
      peerRole: runtime?.state.peerView.role ?? null,
    }),
    emit: (level, event, message, fields) => log.emit(level, event, message, fields),
  });
  // A hook still running when the agent exits would have nothing left to bound it.
  process.on("exit", () => hooks.killAll());
  // The agent tells systemd its own STATUS (links taken over, STOPPED); its events go to the journal natively.
  const { log, kmsg: k } = nodeLogger(r.options.self.name, cli, {
    journal: { kmsgEvents: cli.kmsgEvents ?? "critical" },
    sinks: [hooks.sink()],
  });
  // Said now, on the running node, so an upgrade shows it before the reboot at which the guard refuses the port.
  const port = serialHazard(config, cli);
  if (port) log.emit("critical", "serial-console", `${port.why}; the guard refuses this port at the next boot`);
  const kmsg = (m: string) =>
    k
      ? k({
          ts: new Date().toISOString(),
          node: r.options.self.name,
          level: "critical",
          event: "self-fence",
          message: m,
        })
      : log.emit("critical", "self-fence", m);
  goRealtime(log, cli.realtime);
  const socket = cli.handoverSocket ?? HANDOVER_SOCKET;
  const file = cli.handoverFile ?? HANDOVER_FILE;
  const answer = await requestHandover(socket, r.options.self.name);
  let resume: NonNullable<typeof r.options.resume>;
  if ("snapshot" in answer) resume = answer.snapshot;
  else if (!answer.absent) {
    log.emit("error", "handover", `${answer.reason}; not starting beside a live link holder (systemd will retry)`);
    return EXIT_FAILURE;
  } else {
    const left = takeHandoverFile(file, r.options.self.name);
    resume = typeof left === "string" ? "unguarded" : left;
    if (typeof left === "string") log.emit("warning", "handover", `${answer.reason}; ${left}`);
  }
  // STOPPED is for the rest of this boot: a restarted agent goes on announcing it and brings nothing up.
  const runDir = runDirOf(cli);
  const stoppedRec = runDir.runDir ? readStopped(runDir.runDir, r.options.self.name, bootId()) : null;
  const stopped = stoppedRec !== null && typeof stoppedRec !== "string" ? stoppedRec : null;
  if (stopped) resume = "unguarded";
  // The guard of this boot ran with the initrd's copy of the config and authkey: an edit since the initrd was built
  // takes effect in the initrd only after `initrd regenerate`.
  const ran = runDir.runDir ? readConfigRecord(runDir.runDir, r.options.self.name, bootId()) : null;
  const drift = ran !== null && typeof ran !== "string" ? configDrift(ran, configDigests(config, key)) : null;
  if (drift)
    log.emit(
      "warning",
      "config-changed",
      `the guard in the initrd ran this boot with another copy of ${drift} than this agent read (the initrd's, from before an edit): run 'clusterguard initrd regenerate', or the next boot's guard runs with the old one`,
      { differs: drift },
    );
  const guard = new NodeRuntime(
    { ...r.options, resume, ...runDir, ...(stopped ? { stopped } : {}) },
    log,
    agentEffectors({ hostMode: cli.hostMode, kmsg }),
    fenceLevelsFor(config, r.options),
  );
  runtime = guard;
  try {
    await guard.start();
  } catch (e) {
    log.emit(
      "critical",
      "start-failed",
      `agent could not start its links: ${e instanceof Error ? e.message : String(e)}`,
    );
    return EXIT_FAILURE;
  }
  const record = consoleRecord(config, log, guard);
  const reboot = (reason: string) => agentEffectors({ hostMode: cli.hostMode, kmsg }).selfFence(reason, "reset", false);
  const services = laterServices();
  const resources = new ResourceSet(resourcesFrom(config.resource), (level, event, message, fields) =>
    log.emit(level, event, message, fields),
  );
  const serve = {
    config,
    guard,
    services: withResources(services, resources),
    log,
    hostMode: cli.hostMode,
    reboot,
    ...(cli.managementSocket ? { socket: cli.managementSocket } : {}),
  };
  // An Apply from the web console and a planned switchover exclude each other.
  const gate = new ChangeGate();
  const standby = gate.switchover(standbyFor(serve));
  // The STANDBY's administrator asked to take over (`clusterguard takeover` there): the same planned switchover.
  guard.handOverForPeer = () => standby();
  const logFailover = failoverLog((level, event, message, fields) => log.emit(level, event, message, fields));
  const handler = agentHandler(serve, standby);
  try {
    await serveManagement(serve, handler);
  } catch (e) {
    log.emit("error", "management", `management socket not started: ${e instanceof Error ? e.message : String(e)}`);
  }
  const web = record
    ? serveConsole({
        config,
        record,
        handler,
        guard,
        log,
        files: { path: cli.configPath ?? DEFAULT_CONFIG_PATH, authkeyPath: cli.authkeyPath ?? DEFAULT_AUTHKEY_PATH },
        hostMode: cli.hostMode,
        gate,
      })
    : null;
  if (!cli.hostMode)
    sdNotify(
      stopped ? `READY=1\nSTATUS=STOPPED: ${guard.releasedThisBoot}` : "READY=1\nSTATUS=ACTIVE: links taken over",
    );
  // Services are judged once the boot has finished: a unit not started yet has not failed. The resources come up
  // first (then NICs are named and systemd runs start jobs at once); one that fails asks for failover like a monitor.
  void bootFinished(cli.hostMode).then(async () => {
    if (guard.state.role !== "ACTIVE")
      return log.emit(
        "critical",
        "resources",
        `not starting resources or services: this node is ${guard.state.role}${guard.releasedThisBoot ? `: ${guard.releasedThisBoot}` : ""}`,
      );
    const up = await resources.upAll();
    if (!up.ok && !up.cancelled) {
      const r = await standby();
      log.emit(r.ok ? "warning" : "error", "failover", `${up.detail}; asked for failover: ${r.detail}`);
      if (r.ok) return;
    }
    services.set(
      await startServices(config.monitor, log, (e) => {
        if (e.action !== "failover")
          return log.emit(
            "critical",
            "monitor-stopped",
            `${e.monitor} stopped for good (${e.reason}); waiting for an admin: clusterguard monitors resume ${e.monitor}`,
          );
        void standby().then((r) => logFailover(e, r));
      }),
    );
  });
  return new Promise<number>((resolve) => {
    const leave = (code: number) => {
      resolve(code);
      setTimeout(() => process.exit(code), 50);
    };
    const srv = serveHandover(
      socket,
      () => guard.release(),
      () => leave(0),
      (m) => log.emit("notice", "handover", m),
    );
    if (typeof srv === "string") log.emit("warning", "handover", srv);
    process.on("SIGUSR1", () => log.emit("info", "stats", "link and frame counters", guard.stats()));
    process.on("SIGTERM", () => void onTerm());
    process.on("SIGINT", () => void onTerm());
    // At shutdown heartbeats go on until the machine stops; an admin's stop leaves the links for the next start.
    async function onTerm(): Promise<void> {
      if (!cli.hostMode && (await systemStopping()))
        return log.emit(
          "notice",
          "signal",
          "SIGTERM during shutdown ignored: heartbeats continue until this machine stops",
        );
      const snap = await guard.release();
      if (typeof snap === "string") return log.emit("error", "signal", `SIGTERM: cannot release the links: ${snap}`);
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify(snap), { mode: 0o600 });
      log.emit(
        "warning",
        "stopped",
        `links released (grace ${snap.graceMs} ms announced); the next agent start continues them from ${file}`,
      );
      if (typeof srv !== "string") srv.stop();
      web?.stop();
      leave(0);
    }
  });
}
