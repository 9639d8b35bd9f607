// Run a guard process end to end: resolve, log, go real-time, start, handle signals, return the exit code.
import { writeSync } from "node:fs";
import type { ClusterConfig } from "../config/index.ts";
import { formatConfigError } from "../config/index.ts";
import type { FenceAgent } from "../fence/agent.ts";
import type { FenceContext } from "../fence/context.ts";
import { fenceAgentsFrom } from "../fence/from-config.ts";
import { RecordingFenceAgent } from "../fence/record.ts";
import { kmsgSink, Logger, type Sink, streamSink } from "../log/logger.ts";
import { lockMemory, setRealtime } from "../sys/realtime.ts";
import { sdNotify } from "../sys/sd-notify.ts";
import { type Effectors, hostEffectors } from "../node/effectors.ts";
import { initrdEffectors } from "../node/effectors.ts";
import { ignoredGuardSwitches, type KernelArgs } from "./kernel-args.ts";
import { RUN_DIR } from "../node/boot-record.ts";
import { HANDOVER_SOCKET } from "../node/handover.ts";
import { serveHandover } from "../node/handover.ts";
import { serveGuardManagement } from "./management.ts";
import { ensureAddress } from "./netup.ts";
import type { GuardOptions, LinkOverrides } from "../node/options.ts";
import { parseKernelArgs, readCmdline, resolveGuard } from "../node/bootstrap.ts";
import { Guard } from "../node/runtime.ts";

export interface GuardCli {
  /** Where to offer the links to a successor (default in the initrd: HANDOVER_SOCKET; host mode: none). */
  handoverSocket?: string;
  /** The management socket (default: management.socket; host mode: none unless given). */
  managementSocket?: string;
  /** Where this boot's incarnation and STOPPED records live (default RUN_DIR; host mode: none unless given). */
  runDir?: string;
  node?: string;
  hostMode: boolean;
  fenceRecord?: string;
  realtime: boolean;
  logFormat: "human" | "json";
  links: LinkOverrides;
}

/** The run directory option: as given, else RUN_DIR outside host mode (tests must not share the host's). */
export function runDirOf(cli: Pick<GuardCli, "runDir" | "hostMode">): { runDir?: string } {
  const dir = cli.runDir ?? (cli.hostMode ? undefined : RUN_DIR);
  return dir ? { runDir: dir } : {};
}

/** Write to stdout without ever throwing: after switch_root the reader may be gone. */
function safeStdout(line: string): void {
  try {
    writeSync(1, line);
  } catch {
    // nobody is listening any more; kmsg still has it
  }
}

/** Run until a signal ends it; resolves with the process exit code. */
export async function runGuard(config: ClusterConfig, key: Uint8Array, cli: GuardCli): Promise<number> {
  const cmdline = readCmdline();
  const kargs = parseKernelArgs(cmdline);
  if (!cli.hostMode) {
    for (const w of ignoredGuardSwitches(cmdline)) console.error(`clusterguard: ${w} on the kernel command line is not an off switch (only rd.clusterguard=0, =no or =off, exactly): the guard runs`);
  }
  if (!cli.hostMode && !kargs.enabled) {
    // The unit and the hook skip the guard for these same words, so this is reached only when started by hand.
    console.error("clusterguard: rd.clusterguard=0, =no or =off on the kernel command line: the guard is switched off and does not run");
    return 0;
  }
  const r = resolveGuard(config, key, kargs, cli);
  if (!r.ok) {
    console.error(formatConfigError(r.error));
    return 2;
  }
  // In the initrd, kmsg carries every event to the console and later the journal (always first); stdout only without it, or for JSON.
  const k = cli.hostMode ? null : kmsgSink();
  const sinks: Sink[] = k && cli.logFormat === "human" ? [k] : [...(k ? [k] : []), streamSink(safeStdout, cli.logFormat)];
  if (!cli.hostMode) {
    // systemctl status shows the role, and why activation is blocked while it is.
    const shown = new Set(["role", "activation-blocked", "activation-refused"]);
    sinks.push((e) => void (shown.has(e.event) && sdNotify(`STATUS=${e.role ?? "BLOCKED"}: ${e.message}`)));
  }
  const log = new Logger(r.options.self.name, sinks);
  if (cli.realtime) {
    for (const w of [lockMemory(), setRealtime(10)]) if (w) log.emit("warning", "realtime", `${w}; heartbeats run at normal priority`);
  }
  if (!cli.hostMode) void bringUpLink(r.options, kargs, log);
  const record = r.options.fenceRecord;
  const agents = (ctx: FenceContext): FenceAgent[] => (record ? [new RecordingFenceAgent(record)] : fenceAgentsFrom(config.fencing.agent, ctx, config.timers.deadtime));
  let guard: Guard | null = null;
  const fx: Effectors = cli.hostMode
    ? hostEffectors()
    : initrdEffectors({
        incarnation: () => guard?.incarnation ?? 0,
        beforeContinue: () => guard?.prepareForSwitchRoot(),
        log: (m) => log.emit("error", "initrd", m),
      });
  guard = new Guard({ ...r.options, ...runDirOf(cli) }, log, fx, agents);
  try {
    await guard.start();
  } catch (e) {
    log.emit("critical", "start-failed", `guard could not start: ${e instanceof Error ? e.message : String(e)}; this node will not go ACTIVE`);
    return 1;
  }
  const g = guard;
  const mgmtPath = cli.managementSocket ?? (cli.hostMode ? undefined : config.management.socket);
  const mgmt = mgmtPath ? await serveGuardManagement(config, g, mgmtPath, log) : null;
  const handoverPath = cli.handoverSocket ?? (cli.hostMode ? undefined : HANDOVER_SOCKET);
  return new Promise<number>((resolve) => {
    if (handoverPath) {
      // Released: this process's work is done (its links run in the successor); leave at once.
      const released = () => {
        resolve(0);
        setTimeout(() => process.exit(0), 50);
      };
      // The successor serves management from then on: close this socket first, so its start finds it free.
      const release = () => {
        mgmt?.stop();
        return g.release();
      };
      const srv = serveHandover(handoverPath, release, released, (m) => log.emit("notice", "handover", m));
      if (typeof srv === "string") log.emit("warning", "handover", `${srv}: clusterguard-agent will not be able to take over the links`);
    }
    process.on("SIGUSR1", () => log.emit("info", "stats", "link and frame counters", g.stats()));
    const finish = () => {
      g.input({ kind: "stop", now: Math.floor(performance.now()), reason: "SIGTERM" });
      log.emit("info", "stats", "link and frame counters", g.stats());
      setTimeout(() => void g.stop().then(() => resolve(0)), 50);
    };
    if (cli.hostMode) {
      process.on("SIGTERM", finish);
      process.on("SIGINT", finish);
      return;
    }
    // In a real boot, STOPPED may only be announced once the shared root is no longer writable: a SIGTERM
    // (shutdown stopping units) leaves the heartbeats running until the machine itself stops.
    const ignore = (sig: string) => () => log.emit("notice", "signal", `${sig} ignored: heartbeats continue until this machine stops`);
    process.on("SIGTERM", ignore("SIGTERM"));
    process.on("SIGINT", ignore("SIGINT"));
  });
}

/** In the initrd, give the heartbeat NIC its address once udev has created it (retried in the background). */
async function bringUpLink(o: GuardOptions, kargs: KernelArgs, log: Logger): Promise<void> {
  const iface = kargs.interface ?? o.config.channels.udp.interface;
  const cidr = kargs.address ?? o.self.address;
  if (!o.config.channels.udp.enabled || !iface || !cidr) return;
  let last = "";
  for (let i = 0; i < 240; i++) {
    try {
      const done = await ensureAddress(iface, cidr);
      log.emit("info", "link-setup", `${iface}: ${done || "already configured"}`, { interface: iface });
      return;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (msg !== last) log.emit("warning", "link-setup", `${iface}: ${msg}; retrying`, { interface: iface });
      last = msg;
    }
    await Bun.sleep(500);
  }
  log.emit("error", "link-setup", `${iface}: gave up after 120 s: ${last}`, { interface: iface });
}
