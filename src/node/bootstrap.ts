// What every node process does before its runtime starts: resolve who it is (config, kernel arguments, command
// line), its logger, real-time priority and memory lock, and its fence levels. The initrd guard and the agent share it.
import { writeSync } from "node:fs";
import { type ClusterConfig, type ConfigError, DEFAULT_CONFIG_PATH, selectSelf } from "../config/index.ts";
import { levelsFor } from "../config/types.ts";
import type { FenceDevice, FenceContext } from "../fence/device.ts";
import { RecordingFence } from "../fence/record.ts";
import { fenceDevicesFrom } from "../fence/runner.ts";
import { journalConnected, journalSink } from "../log/journal.ts";
import { kmsgFiltered, kmsgSink, Logger, type Sink, streamSink } from "../log/logger.ts";
import { consoleHazard } from "../sys/firmware-console.ts";
import { lockMemory, realtimeStragglers, setRealtime } from "../sys/realtime.ts";
import { sdNotify } from "../sys/sd-notify.ts";
import { RUN_DIR } from "./boot-record.ts";
import { identify, type MachineFacts, readMachineFacts } from "./identity.ts";
import { type KernelArgs, splitCidr } from "./kernel-args.ts";
import type { LinkOverrides, NodeOptions } from "./options.ts";

/** The command-line options of a node process (the guard's; the agent adds its snapshot file). */
export interface NodeCli {
  /** Where to offer the links to a successor (default in the initrd: HANDOVER_SOCKET; host mode: none). */
  handoverSocket?: string;
  /** The management socket (default: management.socket; host mode: none unless given). */
  managementSocket?: string;
  /** Where this boot's records live (default RUN_DIR; host mode: none unless given). */
  runDir?: string;
  node?: string;
  hostMode: boolean;
  fenceRecord?: string;
  realtime: boolean;
  logFormat: "human" | "json";
  links: LinkOverrides;
}

/** The run directory option: as given, else RUN_DIR outside host mode (tests must not share the host's). */
export function runDirOf(cli: Pick<NodeCli, "runDir" | "hostMode">): { runDir?: string } {
  const dir = cli.runDir ?? (cli.hostMode ? undefined : RUN_DIR);
  return dir ? { runDir: dir } : {};
}

/**
 * The serial heartbeat port in use (the command line's over the config's) when it is one the firmware reads as its
 * keyboard: the peer's frames would be typed into this machine's firmware and boot menu. Never asked in host mode.
 */
export function serialHazard(
  config: ClusterConfig,
  cli: { hostMode: boolean; links: LinkOverrides },
  hazard: (device: string) => string | null = consoleHazard,
): { device: string; why: string } | null {
  const serial = config.channels.serial;
  const device = cli.links.serialDevice ?? serial.device;
  const why = !cli.hostMode && serial.enabled ? hazard(device) : null;
  return why ? { device, why } : null;
}

/** Build NodeOptions, or the configuration error that prevents it. */
export function resolveNode(
  config: ClusterConfig,
  key: Uint8Array,
  kargs: KernelArgs,
  cli: { node?: string; hostMode: boolean; fenceRecord?: string; realtime: boolean; links: LinkOverrides },
  facts: () => MachineFacts = readMachineFacts,
  hazard: (device: string) => string | null = consoleHazard,
): { ok: true; options: NodeOptions } | { ok: false; error: ConfigError } {
  const origin = cli.node
    ? { file: "command line", key: "--node" }
    : { file: "kernel command line", key: "rd.clusterguard.node" };
  const named = cli.node ?? kargs.node ?? undefined;
  // Only a config that names the machines asks this machine who it is.
  const declared = config.node.some((n) => n.machine_uuid || n.machine_mac);
  const id = declared ? identify(config, named, facts()) : null;
  if (id && !id.ok && named !== undefined)
    return { ok: false, error: { file: origin.file, key: origin.key, value: named, expected: id.why } };
  const name = named ?? (id?.ok ? id.name : undefined);
  if (!name) {
    return {
      ok: false,
      error: {
        file: origin.file,
        key: origin.key,
        expected: `this node's name: one of ${config.node.map((n) => n.name).join(", ")} (set rd.clusterguard.node=NAME in the boot entry or pass --node, or name each node's machine: machine_uuid, machine_mac)${id && !id.ok ? `; ${id.why}` : ""}`,
      },
    };
  }
  const sel = selectSelf(config, name, origin);
  if (!sel.ok) return { ok: false, error: sel.error };
  const port = serialHazard(config, cli, hazard);
  if (port)
    return {
      ok: false,
      error: {
        file: DEFAULT_CONFIG_PATH,
        key: "channels.serial.device",
        value: port.device,
        problem: port.why,
        expected: "a serial port this machine's firmware does not read as a console",
      },
    };
  const links: LinkOverrides = { ...cli.links };
  if (kargs.address && !links.udpLocal) links.udpLocal = splitCidr(kargs.address).address;
  return {
    ok: true,
    options: {
      config,
      key,
      self: sel.self,
      peer: sel.peer,
      links,
      hostMode: cli.hostMode,
      realtime: cli.realtime,
      ...(cli.fenceRecord ? { fenceRecord: cli.fenceRecord } : {}),
      ...(id?.ok && id.warning
        ? { identity: { level: "critical" as const, message: id.warning } }
        : id?.ok && id.how
          ? { identity: { level: "notice" as const, message: id.how } }
          : {}),
    },
  };
}

/** Write to stdout without ever throwing: after switch_root the reader may be gone. */
function safeStdout(line: string): void {
  try {
    writeSync(1, line);
  } catch {
    // nobody is listening any more; kmsg still has it
  }
}

/** What a node process's logger does besides kmsg and stdout. */
export interface LoggerUse {
  /** systemd's STATUS= follows the role and why activation is blocked. */
  notifyStatus?: boolean;
  /**
   * Under systemd with the output going to the journal (the agent): every event goes to journald natively, with its
   * fields, and only these to kmsg too (the console): "all", or "critical" (a self-fence's last words).
   */
  journal?: { kmsgEvents: "all" | "critical" };
  /** More sinks every event goes to (the agent's notify hooks). */
  sinks?: Sink[];
}

/**
 * A node process's logger. Outside host mode every event goes to kmsg first (the console and, through it, the
 * journal; a self-fence's last line is never stuck behind a pipe), stdout only without kmsg or for JSON. With
 * `journal`, when systemd connected the output to the journal, events go to journald natively instead (each
 * one entry, with its fields) and to kmsg only as `kmsgEvents` says, or when journald does not take them. Returns
 * the kmsg sink too.
 */
export function nodeLogger(
  name: string,
  cli: Pick<NodeCli, "hostMode" | "logFormat">,
  use: LoggerUse = {},
): { log: Logger; kmsg: Sink | null } {
  const raw = cli.hostMode ? null : kmsgSink();
  let k = raw;
  let sinks: Sink[] =
    raw && cli.logFormat === "human" ? [raw] : [...(raw ? [raw] : []), streamSink(safeStdout, cli.logFormat)];
  if (use.journal && !cli.hostMode && journalConnected()) {
    const toKmsg = (e: { level: string }) => use.journal?.kmsgEvents === "all" || e.level === "critical";
    const journal = journalSink((e) => void (raw && !toKmsg(e) && raw(e)));
    if (journal) {
      k = raw && kmsgFiltered(raw, toKmsg);
      sinks = [...(k ? [k] : []), journal];
    }
  }
  if (use.notifyStatus && !cli.hostMode) {
    const shown = new Set(["role", "activation-blocked", "activation-refused"]);
    sinks.push((e) => void (shown.has(e.event) && sdNotify(`STATUS=${e.role ?? "BLOCKED"}: ${e.message}`)));
  }
  sinks.push(...(use.sinks ?? []));
  return { log: new Logger(name, sinks), kmsg: k };
}

/** The real-time priority of every thread of a guard and an agent. */
const RT_PRIORITY = 10;
/**
 * How often threads started since are put under SCHED_RR as well (realtimeStragglers): the runtime starts most of its
 * threads in its first seconds (the I/O pool, the GC's helpers at the first collections), so every 100 ms for the first
 * 5 s, then every second. Under load a helper left under SCHED_OTHER for a second is enough to silence the guard.
 */
const STRAGGLER_EARLY_MS = 100;
const STRAGGLER_EARLY_FOR_MS = 5000;
const STRAGGLER_CHECK_MS = 1000;

/**
 * heartbeat's `realtime on`: mlockall and SCHED_RR; a refusal is a warning, the heartbeats then run at normal priority.
 * Threads the runtime starts later are moved too, soon after their start (the first time each one is said).
 */
export function goRealtime(log: Logger, on: boolean): void {
  if (!on) return;
  const locked = lockMemory();
  const realtime = setRealtime(RT_PRIORITY);
  for (const w of [locked, realtime]) if (w) log.emit("warning", "realtime", `${w}; heartbeats run at normal priority`);
  if (realtime !== null) return;
  let refusedSaid = false;
  // A helper the runtime ends when idle and starts again is named at info level the first time only.
  const said = new Set<string>();
  const check = () => {
    const r = realtimeStragglers(RT_PRIORITY);
    if (r.moved.length) {
      const names = r.moved.map((m) => m.slice(0, m.lastIndexOf(" ")));
      const again = names.every((n) => said.has(n));
      for (const n of names) said.add(n);
      log.emit(
        again ? "debug" : "info",
        "realtime",
        `threads started since, moved to SCHED_RR ${RT_PRIORITY}: ${r.moved.join(", ")}`,
      );
    }
    if (r.refused.length && !refusedSaid) {
      refusedSaid = true;
      log.emit(
        "warning",
        "realtime",
        `SCHED_RR ${RT_PRIORITY} refused for threads started since: ${r.refused.join(", ")}`,
      );
    }
  };
  const early = setInterval(check, STRAGGLER_EARLY_MS);
  early.unref();
  setTimeout(() => {
    clearInterval(early);
    setInterval(check, STRAGGLER_CHECK_MS).unref();
  }, STRAGGLER_EARLY_FOR_MS).unref();
}

/**
 * The fence levels of this run: the recording test level when asked for (host mode), else the config's levels that
 * fence this node's peer (those aimed at it, and those without a target), in order.
 */
export function fenceLevelsFor(config: ClusterConfig, o: NodeOptions): (ctx: FenceContext) => FenceDevice[] {
  const record = o.fenceRecord;
  const levels = levelsFor(config.fencing.level, o.peer.name);
  return (ctx) => (record ? [new RecordingFence(record)] : fenceDevicesFrom(levels, ctx, config.timers.deadtime));
}
