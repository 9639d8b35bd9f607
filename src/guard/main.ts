// Run a guard process end to end: resolve, log, go real-time, start, handle signals, return the exit code.
import type { ClusterConfig } from "../config/index.ts";
import { formatConfigError } from "../config/index.ts";
import type { FenceAgent } from "../fence/agent.ts";
import { RecordingFenceAgent } from "../fence/record.ts";
import { kmsgSink, Logger, type Sink, streamSink } from "../log/logger.ts";
import { lockMemory, setRealtime } from "../sys/realtime.ts";
import { hostEffectors } from "./effectors.ts";
import type { LinkOverrides } from "./options.ts";
import { parseKernelArgs, readCmdline, resolveGuard } from "./resolve.ts";
import { Guard } from "./runtime.ts";

export interface GuardCli {
  node?: string;
  hostMode: boolean;
  fenceRecord?: string;
  realtime: boolean;
  logFormat: "human" | "json";
  links: LinkOverrides;
}

/** Run until a signal ends it; resolves with the process exit code. */
export async function runGuard(config: ClusterConfig, key: Uint8Array, cli: GuardCli): Promise<number> {
  const kargs = parseKernelArgs(readCmdline());
  if (!cli.hostMode && !kargs.enabled) {
    console.error("clusterguard: rd.clusterguard=0 on the kernel command line: guard disabled, boot continues unguarded");
    return 0;
  }
  const r = resolveGuard(config, key, kargs, cli);
  if (!r.ok) {
    console.error(formatConfigError(r.error));
    return 2;
  }
  const sinks: Sink[] = [streamSink((l) => process.stdout.write(l), cli.logFormat)];
  if (!cli.hostMode) {
    const k = kmsgSink();
    if (k) sinks.push(k);
  }
  const log = new Logger(r.options.self.name, sinks);
  if (cli.realtime) {
    for (const w of [lockMemory(), setRealtime(10)]) if (w) log.emit("warning", "realtime", `${w}; heartbeats run at normal priority`);
  }
  const agents: FenceAgent[] = r.options.fenceRecord ? [new RecordingFenceAgent(r.options.fenceRecord)] : [];
  const guard = new Guard(r.options, log, hostEffectors(), agents);
  try {
    await guard.start();
  } catch (e) {
    log.emit("critical", "start-failed", `guard could not start: ${e instanceof Error ? e.message : String(e)}; this node will not go ACTIVE`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    process.on("SIGUSR1", () => log.emit("info", "stats", "link and frame counters", guard.stats()));
    const finish = () => {
      guard.input({ kind: "stop", now: Math.floor(performance.now()), reason: "SIGTERM" });
      log.emit("info", "stats", "link and frame counters", guard.stats());
      setTimeout(() => void guard.stop().then(() => resolve(0)), 50);
    };
    process.on("SIGTERM", finish);
    process.on("SIGINT", finish);
  });
}
