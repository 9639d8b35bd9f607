// Build the context a plugin operation receives: params, signal, timeout, logger and a bound process runner.
import type { Params, PluginContext, PluginLogger } from "./api.ts";
import { runProcess } from "./run-process.ts";

/** The levels a plugin may log at. */
export type LogLevelName = "debug" | "info" | "warn" | "error";

/** A PluginLogger that hands every line to `emit`. */
export function pluginLogger(emit: (level: LogLevelName, message: string) => void): PluginLogger {
  return {
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warn: (m) => emit("warn", m),
    error: (m) => emit("error", m),
  };
}

/** A logger that drops everything. */
export const silentLogger: PluginLogger = pluginLogger(() => {});

/** The context for one operation; ctx.run kills its process group when `signal` aborts. */
export function makeContext(agent: string, params: Params, signal: AbortSignal, timeout: number, log: PluginLogger = silentLogger): PluginContext {
  return {
    agent,
    params,
    signal,
    timeout,
    log,
    run: (argv, options = {}) => runProcess(argv, { ...options, signal }),
  };
}
