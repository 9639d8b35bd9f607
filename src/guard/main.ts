// Run a guard process end to end: resolve, log, go real-time, start, handle signals, return the exit code.
import { ensureEfivars } from "../sys/firmware-console.ts";
import type { ClusterConfig } from "../config/index.ts";
import { configDigests, formatConfigError } from "../config/index.ts";
import { writeConfigRecord } from "../node/boot-record.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../cli/exit-codes.ts";
import type { Logger } from "../log/logger.ts";
import { fenceLevelsFor, goRealtime, type NodeCli, nodeLogger, resolveNode, runDirOf } from "../node/bootstrap.ts";
import { type Effectors, hostEffectors, initrdEffectors } from "../node/effectors.ts";
import { bootId, HANDOVER_SOCKET, serveHandover } from "../node/handover.ts";
import { ignoredGuardSwitches, type KernelArgs, parseKernelArgs, readCmdline } from "../node/kernel-args.ts";
import type { NodeOptions } from "../node/options.ts";
import { NodeRuntime } from "../node/runtime.ts";
import { serveGuardManagement } from "./management.ts";
import { ensureAddress, ensureFencingNic, fencingNic, keepTrying } from "./netup.ts";

/** Run until a signal ends it; resolves with the process exit code. */
export async function runGuard(config: ClusterConfig, key: Uint8Array, cli: NodeCli): Promise<number> {
  const cmdline = readCmdline();
  const kargs = parseKernelArgs(cmdline);
  if (!cli.hostMode) {
    for (const w of ignoredGuardSwitches(cmdline))
      console.error(
        `clusterguard: ${w} on the kernel command line is not an off switch (only rd.clusterguard=0, =no or =off, exactly): the guard runs`,
      );
  }
  if (!cli.hostMode && !kargs.enabled) {
    // The unit and the hook skip the guard for these same words, so this is reached only when started by hand.
    console.error(
      "clusterguard: rd.clusterguard=0, =no or =off on the kernel command line: the guard is switched off and does not run",
    );
    return EXIT_OK;
  }
  // The dracut shell and initramfs-tools initrds do not mount efivarfs: the identity line and the serial port's
  // firmware-console check read it.
  if (!cli.hostMode) ensureEfivars();
  const r = resolveNode(config, key, kargs, cli);
  if (!r.ok) {
    console.error(formatConfigError(r.error));
    return EXIT_USAGE;
  }
  // systemctl status shows the role, and why activation is blocked while it is.
  const { log } = nodeLogger(r.options.self.name, cli, { notifyStatus: true });
  goRealtime(log, cli.realtime);
  if (!cli.hostMode) {
    void bringUpLink(r.options, kargs, log);
    void bringUpFencingNic(r.options, log);
  }
  let guard: NodeRuntime | null = null;
  const fx: Effectors = cli.hostMode
    ? hostEffectors()
    : initrdEffectors({
        incarnation: () => guard?.incarnation ?? 0,
        beforeContinue: () => guard?.prepareForSwitchRoot(),
        log: (m) => log.emit("error", "initrd", m),
      });
  // What this guard runs with (the initrd's copy): the agent compares its own config and authkey with it.
  const runDir = runDirOf(cli).runDir;
  const failed = runDir
    ? writeConfigRecord(runDir, { bootId: bootId(), node: r.options.self.name, ...configDigests(config, key) })
    : null;
  if (failed)
    log.emit("warning", "config-record", `${failed}: the agent cannot tell whether /etc/clusterguard changed`);
  guard = new NodeRuntime({ ...r.options, ...runDirOf(cli) }, log, fx, fenceLevelsFor(config, r.options));
  try {
    await guard.start();
  } catch (e) {
    log.emit(
      "critical",
      "start-failed",
      `guard could not start: ${e instanceof Error ? e.message : String(e)}; this node will not go ACTIVE`,
    );
    return EXIT_FAILURE;
  }
  const g = guard;
  const mgmtPath = cli.managementSocket ?? (cli.hostMode ? undefined : config.management.socket);
  const mgmt = mgmtPath ? await serveGuardManagement(config, g, mgmtPath, log) : null;
  const handoverPath = cli.handoverSocket ?? (cli.hostMode ? undefined : HANDOVER_SOCKET);
  return new Promise<number>((resolve) => {
    if (handoverPath) {
      // Released: this process's work is done (its links run in the successor); leave at once.
      const released = () => {
        resolve(EXIT_OK);
        setTimeout(() => process.exit(EXIT_OK), 50);
      };
      // The successor serves management from then on: close this socket first, so its start finds it free.
      const release = () => {
        mgmt?.stop();
        return g.release();
      };
      const srv = serveHandover(handoverPath, release, released, (m) => log.emit("notice", "handover", m));
      if (typeof srv === "string")
        log.emit("warning", "handover", `${srv}: clusterguard-agent will not be able to take over the links`);
    }
    process.on("SIGUSR1", () => log.emit("info", "stats", "link and frame counters", g.stats()));
    const finish = () => {
      g.input({ kind: "stop", now: Math.floor(performance.now()), reason: "SIGTERM" });
      log.emit("info", "stats", "link and frame counters", g.stats());
      setTimeout(() => void g.stop().then(() => resolve(EXIT_OK)), 50);
    };
    if (cli.hostMode) {
      process.on("SIGTERM", finish);
      process.on("SIGINT", finish);
      return;
    }
    // In a real boot, STOPPED may only be announced once the shared root is no longer writable: a SIGTERM
    // (shutdown stopping units) leaves the heartbeats running until the machine itself stops.
    const ignore = (sig: string) => () =>
      log.emit("notice", "signal", `${sig} ignored: heartbeats continue until this machine stops`);
    process.on("SIGTERM", ignore("SIGTERM"));
    process.on("SIGINT", ignore("SIGINT"));
  });
}

/** In the initrd, give the heartbeat NIC its address once udev has created it (retried in the background). */
async function bringUpLink(o: NodeOptions, kargs: KernelArgs, log: Logger): Promise<void> {
  const iface = kargs.interface ?? o.config.channels.udp.interface;
  const cidr = kargs.address ?? o.self.address;
  if (!o.config.channels.udp.enabled || !iface || !cidr) return;
  await keepTrying("link-setup", iface, () => ensureAddress(iface, cidr), log, { interface: iface });
}

/** In the initrd, bring up the fencing NIC the BMCs are reached through, as the heartbeat NIC (retried too). */
async function bringUpFencingNic(o: NodeOptions, log: Logger): Promise<void> {
  const nic = fencingNic(o.config, o.self);
  if (nic === null) return;
  const what = `fencing NIC ${nic.mac ?? nic.interface} (${nic.cidr})`;
  await keepTrying(
    "fencing-net",
    what,
    async () => {
      const r = await ensureFencingNic(nic);
      return `${r.iface}: ${r.done || "already configured"}`;
    },
    log,
  );
}
