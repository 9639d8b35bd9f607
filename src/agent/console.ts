// The web console beside the management socket, when [web] listen is set: what it remembers (events from the agent's
// logger, heartbeat arrivals from the runtime) from the agent's start, the same ControlHandler the socket serves, and
// the initrd rebuild its Apply runs (the `initrd regenerate` code path, for the config that path builds from).
import { resolve } from "node:path";
import { regenerate } from "../boot/regenerate.ts";
import { type ClusterConfig, DEFAULT_CONFIG_PATH } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import type { ControlHandler } from "../mgmt/protocol.ts";
import type { NodeRuntime } from "../node/runtime.ts";
import type { ChangeGate } from "./change-gate.ts";
import { ConsoleRecord } from "../web/record.ts";
import { startConsole, type WebConsole } from "../web/server.ts";

/** The console's memory, wired to the logger and the runtime; null without [web] listen. */
export function consoleRecord(config: ClusterConfig, log: Logger, guard: NodeRuntime): ConsoleRecord | null {
  if (config.web.listen === undefined) return null;
  const record = new ConsoleRecord();
  log.tap(record.sink);
  guard.onPeerFrame = (channel, now) => record.arrival(channel, now);
  return record;
}

/** What the console's Apply runs after writing the file: `initrd regenerate`, or why it cannot here. */
export function initrdRebuild(configPath: string, hostMode: boolean) {
  return async (progress: (line: string) => void): Promise<{ ok: boolean; detail: string }> => {
    if (hostMode) return { ok: false, detail: "host mode (tests): no guard initrd here to regenerate" };
    if (resolve(configPath) !== DEFAULT_CONFIG_PATH)
      return {
        ok: false,
        detail: `the guard initrd is built from ${DEFAULT_CONFIG_PATH}, and this agent runs with ${configPath}: copy it there, then run clusterguard initrd regenerate`,
      };
    const r = await regenerate({
      root: "/",
      kind: "auto",
      overwriteDefault: false,
      progress,
      warn: (w) => progress(`warning: ${w}`),
    });
    return r.ok
      ? {
          ok: true,
          detail: `${r.output} for kernel ${r.kver} in ${r.seconds} s (${r.builder}, ${r.compression.shown}), verified`,
        }
      : { ok: false, detail: r.error };
  };
}

/** Start the console (the record made by consoleRecord); a failure to start is logged, the agent runs on. */
export function serveConsole(o: {
  config: ClusterConfig;
  record: ConsoleRecord;
  handler: ControlHandler;
  guard: NodeRuntime;
  log: Logger;
  files: { path: string; authkeyPath: string };
  hostMode: boolean;
  gate: ChangeGate;
}): WebConsole | null {
  const { web, management } = o.config;
  if (web.listen === undefined || management.token_file === undefined) return null;
  try {
    return startConsole({ ...web, listen: web.listen }, management.token_file, {
      config: o.config,
      files: o.files,
      handler: o.handler,
      log: o.log,
      record: o.record,
      role: () => o.guard.state.role,
      regenerate: initrdRebuild(o.files.path, o.hostMode),
      gate: o.gate,
    });
  } catch (e) {
    o.log.emit("error", "web-listening", `web console not started: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
