// The monitor plugin API: what a service monitor plugin exports and what it is given.
//
// This file imports nothing, so a plugin author may copy it beside a plugin for type
// checking. A plugin loaded from a path cannot import anything from clusterguard at run
// time (the executable is one compiled file): `definePlugin` is optional sugar, a plugin
// may just `export default { meta, validate, monitor }` (type-only imports are fine: they
// are erased before the module runs).

/** The types a parameter value may have; config values arrive as TOML strings, integers or booleans. */
export type ParamType = "string" | "int" | "bool";

/** One parameter value as it comes from `params = { ... }` in [[monitor]]. */
export type ParamValue = string | number | boolean;

/** The parameters a plugin receives: the configured ones, with the declared defaults filled in. */
export type Params = Record<string, ParamValue>;

/** One declared parameter. */
export interface ParamSpec {
  type: ParamType;
  /** One line saying what it is for. */
  doc: string;
  required?: boolean;
  /** Used when the config does not set it (never together with required). */
  default?: ParamValue;
}

/** What a plugin says about itself (shown by `clusterguard monitors plugins`). */
export interface PluginMeta {
  name: string;
  description: string;
  parameters: Record<string, ParamSpec>;
  /** Accept parameters that are not declared (the ocf plugin passes them on as OCF_RESKEY_*). */
  extraParameters?: boolean;
  /** Suggested interval and timeout in ms (advisory: [[monitor]] interval/timeout always win). */
  interval?: number;
  timeout?: number;
  /** How long recover/start/stop may take, ms (default 20000, Pacemaker's default op timeout). */
  recoverTimeout?: number;
}

/** OCF-style result classes: running (0), not-running (7), soft-error (1), hard-error (2-5), fatal (6). */
export type ResultKind = "running" | "not-running" | "soft-error" | "hard-error" | "fatal";

/** What monitor/recover/start/stop return: a result class and a human reason. */
export interface MonitorResult {
  result: ResultKind;
  reason: string;
}

/** Where a plugin's own log lines go (the daemon's log, tagged with the monitor name). */
export interface PluginLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options for ctx.run. */
export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Bytes kept of stdout and of stderr each (default 64 KiB); the rest is read and dropped. */
  maxOutput?: number;
  /** Time between SIGTERM and SIGKILL to the process group (default 1000 ms). */
  killGraceMs?: number;
  /** A timeout of its own, ms (the context's signal applies anyway). */
  timeoutMs?: number;
}

/** How a process run by ctx.run ended. */
export interface ProcessResult {
  /** The exit status; null when killed by a signal or when it could not be started. */
  exitCode: number | null;
  /** The signal that ended it ("SIGTERM", "SIGKILL"), or null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr was longer than maxOutput. */
  truncated: boolean;
  /** True when it was killed (timeout or abort): SIGTERM to its process group, then SIGKILL. */
  killed: boolean;
  /** True when killed because its own timeoutMs ran out. */
  timedOut: boolean;
  ms: number;
  /** Why it could not be started ("ENOENT: no such file ..."), when it could not. */
  error?: string;
  /** The errno code of a failed start (ENOENT, EACCES). */
  errorCode?: string;
}

/** What every operation receives. */
export interface PluginContext {
  /** The [[monitor]] name. */
  name: string;
  params: Params;
  /** Aborted when the operation's timeout runs out (or the runner stops): stop work and return. */
  signal: AbortSignal;
  /** The operation's timeout, ms. */
  timeout: number;
  log: PluginLogger;
  /** Run argv[0] with argv[1..] in its own process group, killed (group and all) when signal aborts. */
  run(argv: string[], options?: RunOptions): Promise<ProcessResult>;
}

/** An operation's return: a result, or a promise of one. */
export type Awaitable<T> = T | Promise<T>;

/** A plugin that monitors one service. */
export interface MonitorPlugin {
  meta: PluginMeta;
  /**
   * Problems with `params`, each naming the parameter, the value and what was expected; [] if fine (problems
   * are fatal: the monitor stops). Or a result, when the parameters cannot be judged on this node: hard-error (the
   * service's software is missing here: fail over), soft-error (try again), fatal (not configured), running (fine).
   */
  validate(params: Params, ctx: PluginContext): Awaitable<string[] | MonitorResult>;
  /** Is the service healthy now? Must return within ctx.timeout and never throw. */
  monitor(ctx: PluginContext): Awaitable<MonitorResult>;
  /** Restart the service in place (after soft errors); the next monitor tells whether it worked. */
  recover?(ctx: PluginContext): Awaitable<MonitorResult>;
  /** Whether recover can work with these parameters (default true); false fails over without spending a restart. */
  canRecover?(params: Params): boolean;
  /** Start the service (resource takeover). */
  start?(ctx: PluginContext): Awaitable<MonitorResult>;
  /** Stop the service (resource release). */
  stop?(ctx: PluginContext): Awaitable<MonitorResult>;
}

/** Identity helper for authoring a plugin with type checking (optional sugar). */
export function definePlugin<P extends MonitorPlugin>(plugin: P): P {
  return plugin;
}
