// The overview's live updates as server-sent events: one message about every 500 ms with the status, the peer's
// state, the new heartbeat arrivals and the fence history; an `expired` event ends the stream when the session does.
// A client that does not read gets nothing queued for it: a tick is skipped while the stream's queue is full.
import type { ClusterConfig } from "../config/index.ts";
import type { ControlHandler } from "../mgmt/protocol.ts";
import { type LiveUpdate, peerState } from "./overview.ts";
import type { ConsoleRecord } from "./record.ts";
import type { Session } from "./session.ts";

/** How often the stream sends. */
export const LIVE_EVERY_MS = 500;

/** What the stream reads. */
export interface LiveSource {
  config: ClusterConfig;
  handler: ControlHandler;
  record: ConsoleRecord;
  /** The session, while it lasts (null once it expired or was closed). */
  session: () => Session | null;
  /** Called once when the stream ends (closed by the client, or the session ended). */
  onEnd?: () => void;
}

/** One update: the status now, and the arrivals after wall-clock ms `after`. */
export function liveUpdate(src: LiveSource, s: Session, after: number): LiveUpdate {
  const status = src.handler.status();
  const t = src.config.timers;
  return {
    status,
    peer: peerState(status, t.deadtime),
    timers: { keepalive: t.keepalive, warntime: t.warntime, deadtime: t.deadtime },
    arrivals: src.record.arrivalsAfter(after),
    fences: src.record
      .eventsAfter()
      .filter((e) => e.kind === "fence")
      .slice(-20)
      .map((e) => ({ ts: e.ts, event: e.event, message: e.message })),
    session: { readOnly: s.readOnly, expiresAt: s.expiresAt },
  };
}

/** The text/event-stream body. */
export function liveStream(src: LiveSource, everyMs = LIVE_EVERY_MS): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | null = null;
  let ended = false;
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (!ended) src.onEnd?.();
    ended = true;
  };
  return new ReadableStream<Uint8Array>({
    start(ctrl) {
      let after = 0;
      const send = (tick: boolean) => {
        const s = src.session();
        try {
          if (s === null) {
            stop();
            ctrl.enqueue(enc.encode("event: expired\ndata: {}\n\n"));
            ctrl.close();
            return;
          }
          // The client has not read the last update yet: nothing more is queued for it.
          if (tick && (ctrl.desiredSize ?? 1) <= 0) return;
          const u = liveUpdate(src, s, after);
          after = Date.now();
          ctrl.enqueue(enc.encode(`data: ${JSON.stringify(u)}\n\n`));
        } catch {
          stop(); // the client went away
        }
      };
      ctrl.enqueue(enc.encode("retry: 1000\n\n"));
      send(false);
      if (!ended) timer = setInterval(() => send(true), everyMs);
    },
    cancel: stop,
  });
}
