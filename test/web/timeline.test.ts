// The console's timeline model: this node's role from its role events, the peer's from peer-role, peer-lost and a
// confirmed fence, links down from link-dead to link-restored, and the marks.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ConsoleEvent } from "../../src/web/record.ts";
import { escapeXml } from "../../src/log/timeline-svg.ts";
import { timelineModel, timelineSvg } from "../../src/web/timeline.ts";

let seq = 0;
const ev = (at: number, event: string, extra: Partial<ConsoleEvent> = {}): ConsoleEvent => ({
  seq: ++seq,
  at,
  ts: new Date(at).toISOString(),
  node: "a",
  level: "info",
  event,
  message: `${event} message`,
  kind: "peer",
  ...extra,
});

const events = [
  ev(1000, "peer-role", { peerRole: "STANDBY" }),
  ev(2000, "link-dead", { channel: "udp" }),
  ev(3000, "peer-lost"),
  ev(4000, "fence-request"),
  ev(4100, "fence-confirmed"),
  ev(5000, "link-restored", { channel: "udp" }),
  ev(5000, "peer-role", { peerRole: "STANDBY" }),
  ev(6000, "mgmt-request", { message: "standby via web from 10.0.0.1: done" }),
  ev(7000, "role", { role: "STOPPED" }),
  ev(7500, "monitor-health"),
];

const m = timelineModel({
  self: "a",
  peer: "b",
  links: ["serial", "udp"],
  from: 0,
  to: 10_000,
  selfAtStart: "ACTIVE",
  peerAtStart: "UNKNOWN",
  events,
});
const spans = (i: number) => m.rows[i]?.spans.map((s) => `${s.state} ${s.from}-${s.to}`);

test("this node's row follows its role events", () => {
  assert.equal(spans(0), ["ACTIVE 0-7000", "STOPPED 7000-10000"]);
});

test("the peer's row: its role while heard, DEAD once lost, FENCED once the fence confirmed, then its new boot", () => {
  assert.equal(spans(1), [
    "UNKNOWN 0-1000",
    "STANDBY 1000-3000",
    "DEAD 3000-4100",
    "FENCED 4100-5000",
    "STANDBY 5000-10000",
  ]);
});

test("a link is down from link-dead to link-restored; the others stay up", () => {
  assert.equal(m.cables, [
    { label: "serial", cuts: [] },
    { label: "udp", cuts: [{ from: 2000, to: 5000 }] },
  ]);
});

test("fences, admin actions and role-less chatter: only the first two are marked", () => {
  assert.equal(
    m.rows[0]?.marks.map((k) => `${k.at} ${k.label}`),
    ["4000 fence", "4100 fenced", "6000 admin: standby"],
  );
});

test("escapeXml: markup escaped, characters XML 1.0 forbids replaced, the allowed ones kept", () => {
  const table: [string, string][] = [
    ["a<b>&\"'", "a&lt;b&gt;&amp;&quot;&#39;"],
    ["\u001b[31mHTTP 500\u001b[0m", "\uFFFD[31mHTTP 500\uFFFD[0m"],
    ["nul\u0000 bell\u0007 vt\u000b ff\u000c us\u001f", "nul\uFFFD bell\uFFFD vt\uFFFD ff\uFFFD us\uFFFD"],
    ["tab\tnl\ncr\r", "tab\tnl\ncr\r"],
    ["\uFFFE\uFFFF", "\uFFFD\uFFFD"],
    ["lone \uD800 high, lone \uDC00 low, pair \uD83D\uDE00", "lone \uFFFD high, lone \uFFFD low, pair \uD83D\uDE00"],
  ];
  for (const [raw, want] of table) assert.is(escapeXml(raw), want, JSON.stringify(raw));
});

test("a monitor reason with a terminal colour code leaves the SVG free of control characters", () => {
  const svg = timelineSvg({
    self: "a",
    peer: "b",
    links: ["udp"],
    from: 0,
    to: 60_000,
    selfAtStart: "ACTIVE",
    peerAtStart: "STANDBY",
    events: [
      {
        seq: 1,
        at: 1000,
        ts: "t",
        node: "a",
        level: "warning",
        event: "monitor-escalate",
        message: "\u001b[31mHTTP 500",
        kind: "service",
      } as ConsoleEvent,
    ],
  });
  assert.not.match(svg, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
});

test.run();
