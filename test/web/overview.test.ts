// The peer's state on the overview, from the status report: its role while heard, DEAD after deadtime, FENCED after
// a confirmed fence it was not heard since.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { StatusReport } from "../../src/mgmt/protocol.ts";
import { peerState } from "../../src/web/overview.ts";

const NOW = "2026-01-01T10:00:00.000Z";
const at = (msBefore: number) => new Date(Date.parse(NOW) - msBefore).toISOString();

function report(peer: Partial<StatusReport["peer"]>, fence: Partial<StatusReport["fence"]> = {}): StatusReport {
  return {
    generatedAt: NOW,
    cluster: "c",
    node: "a",
    role: "ACTIVE",
    incarnation: 1,
    peer: { name: "b", role: "STANDBY", lastHeardAgoMs: 50, ...peer },
    links: [],
    lateHeartbeats: 0,
    fence: { state: "idle", last: null, at: null, ...fence },
    monitors: [],
    resources: [],
    blocked: null,
  };
}

const cases: [string, StatusReport, string][] = [
  ["heard as STANDBY", report({}), "STANDBY"],
  ["heard as STOPPED", report({ role: "STOPPED" }), "STOPPED"],
  ["heard just under deadtime", report({ lastHeardAgoMs: 1499 }), "STANDBY"],
  ["silent for deadtime", report({ lastHeardAgoMs: 1500 }), "DEAD"],
  ["never heard", report({ role: null, lastHeardAgoMs: null }), "UNKNOWN"],
  ["heard, role not yet known", report({ role: null }), "UNKNOWN"],
  [
    "fenced after it was last heard",
    report({ lastHeardAgoMs: 3000 }, { state: "confirmed", at: at(1000), last: "qmp reset" }),
    "FENCED",
  ],
  ["fenced, never heard", report({ role: null, lastHeardAgoMs: null }, { state: "confirmed", at: at(1000) }), "FENCED"],
  [
    "heard again after the fence (its new boot)",
    report({ lastHeardAgoMs: 100 }, { state: "confirmed", at: at(5000) }),
    "STANDBY",
  ],
  ["a fence that failed proves nothing", report({ lastHeardAgoMs: 3000 }, { state: "failed", at: at(1000) }), "DEAD"],
];

for (const [what, r, state] of cases)
  test(`the peer ${what}: ${state}`, () => {
    assert.is(peerState(r, 1500).state, state);
  });

test("DEAD says for how long, FENCED says how", () => {
  assert.match(
    peerState(report({ lastHeardAgoMs: 2500 }), 1500).why,
    /silent on every link for 2.5 s \(deadtime 1500 ms\)/,
  );
  assert.is(
    peerState(report({ lastHeardAgoMs: 3000 }, { state: "confirmed", at: at(1), last: "qmp reset" }), 1500).why,
    "qmp reset",
  );
});

test.run();
