// The one logger: events go to every configured sink (stdout, kmsg, the journal, a test array).
import { openSync, writeSync } from "node:fs";
import type { LogLevel } from "../core/actions.ts";
import type { Role } from "../core/types.ts";
import { type LogEvent, toHumanLine, toJsonLine } from "./event.ts";

export type LogFormat = "human" | "json";
export type Sink = (e: LogEvent) => void;

/** Write events to a stream, as human lines or JSON lines. */
export function streamSink(write: (line: string) => void, format: LogFormat): Sink {
  return (e) => write(`${format === "json" ? toJsonLine(e) : toHumanLine(e)}\n`);
}

const KMSG = Symbol("kmsg");

/** True for a sink made by kmsgSink. */
function isKmsg(s: Sink): boolean {
  return (s as Sink & { [KMSG]?: true })[KMSG] === true;
}

/** Write events to /dev/kmsg as `<prio>clusterguard: ...` (opened once: it vanishes after switch_root). */
export function kmsgSink(path = "/dev/kmsg"): Sink | null {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch {
    return null;
  }
  return Object.assign(
    (e: LogEvent) => {
      const role = e.role ? ` [${e.role}]` : "";
      try {
        writeSync(fd, `<${priorityOf(e.level)}>clusterguard: ${e.node} ${e.event}${role}: ${e.message}\n`);
      } catch {
        // kmsg rate limits or refuses a line: the other sinks still have it.
      }
    },
    { [KMSG]: true as const },
  );
}

/** A kmsg sink that writes only the events `accept` lets through (still written before any other sink). */
export function kmsgFiltered(k: Sink, accept: (e: LogEvent) => boolean): Sink {
  return Object.assign((e: LogEvent) => void (accept(e) && k(e)), { [KMSG]: true as const });
}

/** A logger bound to a node name; kmsg sinks always get an event first (a self-fence's last words reach the console before a stdout pipe can block). */
export class Logger {
  private readonly sinks: Sink[];
  constructor(
    readonly node: string,
    sinks: Sink[],
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.sinks = [...sinks.filter(isKmsg), ...sinks.filter((s) => !isKmsg(s))];
  }

  /** Also send every later event to `sink` (after the configured ones); returns the call that stops it. */
  tap(sink: Sink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** Emit one event. */
  emit(level: LogLevel, event: string, message: string, fields: Record<string, unknown> = {}, role?: Role): void {
    const e: LogEvent = { ts: this.clock().toISOString(), node: this.node, level, event, message, ...fields };
    if (role) e.role = role;
    for (const s of this.sinks) s(e);
  }
}

/** The text of anything thrown: an Error's message, or the value as a string. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// The core's log levels as syslog priorities (kmsg's <N> prefix).
const PRIORITY: Record<LogLevel, number> = {
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};

/** The syslog priority of a level. */
export function priorityOf(level: LogLevel): number {
  return PRIORITY[level];
}
