// What a notify hook is given, pure: which hooks an event runs, and the event as environment variables and as the
// JSON document on the hook's stdin (keepalived's notify scripts get arguments; Pacemaker's alerts CRM_alert_*).
import { NOTIFY_EVENTS, type NotifyEvent } from "../config/schema/notify.ts";
import type { NotifyConfig } from "../config/types.ts";
import type { Role } from "../core/types.ts";
import type { LogEvent } from "../log/event.ts";
import { fieldName } from "../log/journal.ts";

/** The version of the JSON document and of the variables; a hook can refuse one it does not know. */
export const NOTIFY_VERSION = 1;

/** The PATH a hook runs with when the agent has none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** What the agent knows besides the event itself when it runs a hook. */
export interface NotifyContext {
  cluster: string;
  node: string;
  peer: string;
  /** This node's role now (a role event's own role wins); null before the runtime runs. */
  role: Role | null;
  /** The peer's role as last heard; null when never heard. */
  peerRole: Role | null;
  /** Counts the events this agent process notified, from 1: hooks run in parallel and may finish out of order. */
  sequence: number;
}

/** True for the names of events a hook can be run for. */
export function isNotifyEvent(name: string): name is NotifyEvent {
  return Object.hasOwn(NOTIFY_EVENTS, name);
}

/** The positions of the hooks that `event` runs, in config order. */
export function hooksFor(event: string, hooks: readonly NotifyConfig[]): number[] {
  if (!isNotifyEvent(event)) return [];
  return hooks.flatMap((h, i) => (h.events.includes(event) ? [i] : []));
}

/** An event's own fields: everything but the keys every event has. */
function fieldsOf(e: LogEvent): Record<string, unknown> {
  const { ts: _ts, node: _n, level: _l, event: _e, message: _m, role: _r, ...fields } = e;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** A value as an environment variable holds it: strings as they are, null as "", the rest as JSON; no NUL bytes. */
function envValue(v: unknown): string {
  const s = typeof v === "string" ? v : v === null ? "" : JSON.stringify(v);
  return s.replaceAll("\0", "");
}

/**
 * The hook's whole environment: PATH, then CLUSTERGUARD_* for the event. Every field of the event is
 * CLUSTERGUARD_NAME as in the journal (a role change's `from` is CLUSTERGUARD_FROM, a link's `channel`
 * CLUSTERGUARD_CHANNEL, a fence's `target` CLUSTERGUARD_TARGET); the fixed variables win over a field of that name.
 */
export function hookEnv(e: LogEvent, ctx: NotifyContext, path: string = DEFAULT_PATH): Record<string, string> {
  const env: Record<string, string> = { PATH: path };
  for (const [k, v] of Object.entries(fieldsOf(e))) env[fieldName(k)] = envValue(v);
  return {
    ...env,
    CLUSTERGUARD_NOTIFY_VERSION: String(NOTIFY_VERSION),
    CLUSTERGUARD_SEQUENCE: String(ctx.sequence),
    CLUSTERGUARD_EVENT: e.event,
    CLUSTERGUARD_LEVEL: e.level,
    CLUSTERGUARD_MESSAGE: envValue(e.message),
    CLUSTERGUARD_TIMESTAMP: e.ts,
    CLUSTERGUARD_CLUSTER: ctx.cluster,
    CLUSTERGUARD_NODE: e.node,
    CLUSTERGUARD_ROLE: e.role ?? ctx.role ?? "",
    CLUSTERGUARD_PEER: ctx.peer,
    CLUSTERGUARD_PEER_ROLE: ctx.peerRole ?? "",
  };
}

/** The JSON document on the hook's stdin, one line: the same facts, the event's fields as an object. */
export function hookInput(e: LogEvent, ctx: NotifyContext): string {
  return `${JSON.stringify({
    version: NOTIFY_VERSION,
    sequence: ctx.sequence,
    event: e.event,
    level: e.level,
    message: e.message,
    ts: e.ts,
    cluster: ctx.cluster,
    node: e.node,
    role: e.role ?? ctx.role,
    peer: ctx.peer,
    peerRole: ctx.peerRole,
    fields: fieldsOf(e),
  })}\n`;
}
