// What the console remembers while the agent runs: the events worth showing (role changes, fences, links, services,
// admin actions), taken from the agent's logger, and when heartbeats arrived on each link (the arrival chart). Both
// bounded in count and age. Which event is which kind is decided by kindOf, pure.
import type { LogEvent } from "../log/event.ts";

/** The groups the timeline's event list filters by. */
export const KINDS = ["role", "peer", "fence", "link", "service", "admin"] as const;
export type EventKind = (typeof KINDS)[number];

/** One remembered event: the logger's, plus its kind and a sequence number for live updates. */
export interface ConsoleEvent {
  seq: number;
  /** Wall-clock ms. */
  at: number;
  ts: string;
  node: string;
  level: string;
  event: string;
  message: string;
  kind: EventKind;
  role?: string;
  /** The peer's role (peer-role events). */
  peerRole?: string;
  channel?: string;
}

const BY_NAME: Readonly<Record<string, EventKind>> = {
  "peer-role": "peer",
  "peer-dead": "peer",
  "peer-lost": "peer",
  "peer-restarted": "peer",
  "fence-request": "fence",
  "fence-confirmed": "fence",
  "fence-manual": "fence",
  "fence-cancelled": "fence",
  "fence-delay": "fence",
  pill: "fence",
  "pill-cleared": "fence",
  "self-fence": "fence",
  "activation-blocked": "fence",
  "link-late": "link",
  "link-dead": "link",
  "link-restored": "link",
  "monitor-escalate": "service",
  "monitor-stopped": "service",
  "monitor-health": "service",
  "monitor-decision": "service",
  failover: "service",
  "resource-up": "service",
  "resource-down": "service",
  "resource-failed": "service",
  "mgmt-request": "admin",
  switchover: "admin",
  "takeover-request": "admin",
  "takeover-requested": "admin",
  "takeover-result": "admin",
  "config-apply": "admin",
};

/** The kind of a logger event, or null for one the console does not keep (debug chatter, counters). */
export function kindOf(e: Pick<LogEvent, "event" | "role" | "level">): EventKind | null {
  if (e.role !== undefined) return "role";
  return BY_NAME[e.event] ?? null;
}

/** One heartbeat's arrival on a link: wall-clock ms, and ms since the one before on that link. */
export interface Arrival {
  at: number;
  gapMs: number;
}

/** How much is kept. */
export interface RecordLimits {
  events: number;
  eventAgeMs: number;
  arrivalAgeMs: number;
}

/** 5000 events of the last 6 hours; 3 minutes of arrivals per link. */
export const RECORD_LIMITS: RecordLimits = { events: 5000, eventAgeMs: 6 * 3600_000, arrivalAgeMs: 180_000 };

/** The console's memory of this agent's run. */
export class ConsoleRecord {
  private events: ConsoleEvent[] = [];
  private seq = 0;
  private readonly arrivals = new Map<string, Arrival[]>();
  private readonly lastMono = new Map<string, number>();

  constructor(
    private readonly wall: () => number = Date.now,
    private readonly limits: RecordLimits = RECORD_LIMITS,
  ) {}

  /** A logger sink: keeps the events kindOf names. */
  readonly sink = (e: LogEvent): void => {
    const kind = kindOf(e);
    if (kind === null) return;
    const at = Date.parse(e.ts);
    const ev: ConsoleEvent = {
      seq: ++this.seq,
      at: Number.isFinite(at) ? at : this.wall(),
      ts: e.ts,
      node: e.node,
      level: e.level,
      event: e.event,
      message: e.message,
      kind,
    };
    if (e.role !== undefined) ev.role = e.role;
    if (typeof e.peerRole === "string") ev.peerRole = e.peerRole;
    if (typeof e.channel === "string") ev.channel = e.channel;
    this.events.push(ev);
    const cut = this.wall() - this.limits.eventAgeMs;
    const drop = Math.max(
      this.events.length - this.limits.events,
      this.events.findIndex((x) => x.at >= cut),
    );
    if (drop > 0) this.events = this.events.slice(drop);
  };

  /** A peer frame arrived on `channel` at monotonic ms `mono`. */
  arrival(channel: string, mono: number): void {
    const prev = this.lastMono.get(channel);
    this.lastMono.set(channel, mono);
    if (prev === undefined) return;
    const list = this.arrivals.get(channel) ?? [];
    const at = this.wall();
    list.push({ at, gapMs: mono - prev });
    const cut = at - this.limits.arrivalAgeMs;
    let i = 0;
    while (i < list.length && (list[i] as Arrival).at < cut) i++;
    this.arrivals.set(channel, i > 0 ? list.slice(i) : list);
  }

  /** Events after sequence number `after` (0: all kept), oldest first. */
  eventsAfter(after = 0): ConsoleEvent[] {
    return after === 0 ? [...this.events] : this.events.filter((e) => e.seq > after);
  }

  /** Events at or after wall-clock ms `since`. */
  eventsSince(since: number): ConsoleEvent[] {
    return this.events.filter((e) => e.at >= since);
  }

  /** Arrivals per link after wall-clock ms `after`. */
  arrivalsAfter(after = 0): Record<string, Arrival[]> {
    const out: Record<string, Arrival[]> = {};
    for (const [k, list] of this.arrivals) out[k] = list.filter((a) => a.at > after);
    return out;
  }
}
