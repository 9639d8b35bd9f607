// What the console keeps: the events worth showing, by kind, bounded; and the heartbeat arrival gaps per link.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { LogEvent } from "../../src/log/event.ts";
import { ConsoleRecord, kindOf } from "../../src/web/record.ts";

const ev = (event: string, extra: Partial<LogEvent> = {}): LogEvent => ({
  ts: new Date(1_000_000).toISOString(),
  node: "a",
  level: "info",
  event,
  message: `${event} happened`,
  ...extra,
});

test("kinds: role changes, the peer, fences, links, services and admin actions; chatter is not kept", () => {
  assert.is(kindOf(ev("start", { role: "ACTIVE" })), "role");
  assert.is(kindOf(ev("peer-role")), "peer");
  assert.is(kindOf(ev("peer-lost")), "peer");
  assert.is(kindOf(ev("fence-confirmed")), "fence");
  assert.is(kindOf(ev("link-dead")), "link");
  assert.is(kindOf(ev("monitor-escalate")), "service");
  assert.is(kindOf(ev("mgmt-request")), "admin");
  for (const e of ["stats", "monitor-result", "heard-record", "web-login"]) assert.is(kindOf(ev(e)), null, e);
});

test("events are kept with their fields, numbered, bounded in count and age", () => {
  let wall = 1_000_000;
  const r = new ConsoleRecord(() => wall, { events: 3, eventAgeMs: 10_000, arrivalAgeMs: 1000 });
  r.sink(ev("stats"));
  r.sink(ev("peer-role", { peerRole: "STANDBY" }));
  r.sink(ev("link-dead", { channel: "udp" }));
  const kept = r.eventsAfter();
  assert.equal(
    kept.map((e) => [e.seq, e.kind, e.event, e.peerRole ?? e.channel]),
    [
      [1, "peer", "peer-role", "STANDBY"],
      [2, "link", "link-dead", "udp"],
    ],
  );
  for (let i = 0; i < 3; i++) r.sink(ev("fence-request"));
  assert.equal(
    r.eventsAfter().map((e) => e.seq),
    [3, 4, 5],
  );
  assert.equal(
    r.eventsAfter(4).map((e) => e.seq),
    [5],
  );
  wall += 20_000;
  r.sink(ev("fence-confirmed", { ts: new Date(wall).toISOString() }));
  assert.equal(
    r.eventsAfter().map((e) => e.event),
    ["fence-confirmed"],
    "older than eventAgeMs: gone",
  );
});

test("arrivals: the gap since the previous frame on the same link, by the monotonic clock; the first only starts it", () => {
  let wall = 5000;
  const r = new ConsoleRecord(() => wall, { events: 10, eventAgeMs: 1000, arrivalAgeMs: 1000 });
  r.arrival("udp", 100);
  r.arrival("serial", 110);
  wall = 5200;
  r.arrival("udp", 300);
  wall = 5500;
  r.arrival("udp", 640);
  r.arrival("serial", 650);
  assert.equal(r.arrivalsAfter(), {
    udp: [
      { at: 5200, gapMs: 200 },
      { at: 5500, gapMs: 340 },
    ],
    serial: [{ at: 5500, gapMs: 540 }],
  });
  assert.equal(r.arrivalsAfter(5200).udp, [{ at: 5500, gapMs: 340 }]);
  wall = 6600;
  r.arrival("udp", 1440);
  assert.equal(r.arrivalsAfter().udp, [{ at: 6600, gapMs: 800 }], "older than arrivalAgeMs: gone");
});

test.run();
