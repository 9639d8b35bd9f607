// Stop the monitored services for a switchover (last monitor first), or start them again, each bounded by its timeout.
import type { Logger } from "../log/logger.ts";
import { makeContext, pluginLogger, realClock, DEFAULT_RECOVER_TIMEOUT, runOp } from "../monitor/operation.ts";
import { withDefaults } from "../monitor/contract.ts";
import type { MonitorSpec } from "../monitor/runner.ts";

/** Call each plugin's stop() (last monitor first) or start(); a plugin without one is skipped (the freeze covers it). */
export async function stopServices(
  specs: readonly MonitorSpec[],
  log: Logger,
  op: "stop" | "start" = "stop",
): Promise<void> {
  for (const { config, plugin } of op === "stop" ? [...specs].reverse() : specs) {
    const stop = plugin[op];
    if (!stop) continue;
    const timeout = plugin.meta.recoverTimeout ?? DEFAULT_RECOVER_TIMEOUT;
    const plog = pluginLogger((level, message) =>
      log.emit(level === "warn" ? "warning" : level, "monitor-plugin", `${config.name}: ${message}`),
    );
    const out = await runOp(
      op,
      (ctx) => stop.call(plugin, ctx),
      (signal) => makeContext(config.name, withDefaults(plugin.meta, config.params), signal, timeout, plog),
      timeout,
      realClock,
    ).done;
    const r = out?.result;
    log.emit(
      r?.result === "not-running" || r?.result === "running" ? "notice" : "warning",
      `monitor-${op}`,
      `${config.name}: ${op}: ${r ? `${r.result}: ${r.reason}` : "aborted"}`,
      { monitor: config.name },
    );
  }
}
