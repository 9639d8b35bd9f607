// `clusterguard status`'s exit code: healthy 0, degraded 4, not serving 5, and the reasons, judged from one report.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { judgeHealth } from "../../src/cli/health.ts";
import type { StatusReport } from "../../src/mgmt/protocol.ts";
import { sampleReport } from "../mgmt/fake.ts";

/** The sample pair with every link up and heard, every monitor up, every resource up: healthy. */
function healthy(): StatusReport {
  const r = sampleReport();
  r.links = r.links.map((l) => ({ ...l, up: true, dead: false, late: false, lastHeardAgoMs: 150, lastError: null }));
  r.monitors = r.monitors.map((m) => ({ ...m, state: "running", health: "up" }));
  return r;
}

const rows: [string, (r: StatusReport) => void, number, string[]][] = [
  ["ACTIVE beside a heard STANDBY, everything up", () => {}, 0, []],
  [
    "a STANDBY beside a heard ACTIVE",
    (r) => {
      r.role = "STANDBY";
      r.peer.role = "ACTIVE";
    },
    0,
    [],
  ],
  [
    "late heartbeats alone are no degradation",
    (r) => {
      r.links[1] = { ...(r.links[1] as StatusReport["links"][number]), late: true };
    },
    0,
    [],
  ],
  [
    "a link down",
    (r) => {
      r.links[2] = { ...(r.links[2] as StatusReport["links"][number]), up: false };
    },
    4,
    ["link disk down"],
  ],
  [
    "a link dead (silent for deadtime)",
    (r) => {
      r.links[0] = { ...(r.links[0] as StatusReport["links"][number]), dead: true };
    },
    4,
    ["link serial dead"],
  ],
  [
    "the ACTIVE's peer silent on every link",
    (r) => {
      r.links = r.links.map((l) => ({ ...l, dead: true }));
    },
    4,
    ["peer b not heard on any live link", "link serial dead", "link udp dead", "link disk dead"],
  ],
  [
    "the peer STOPPED after a switchover, not yet back",
    (r) => {
      r.peer.role = "STOPPED";
    },
    4,
    ["peer b is STOPPED, not STANDBY"],
  ],
  [
    "the peer never heard",
    (r) => {
      r.peer.role = null;
    },
    4,
    ["peer b is never heard, not STANDBY"],
  ],
  [
    "a fence failed",
    (r) => {
      r.fence = { state: "failed", last: "ipmi: timeout", at: null };
    },
    4,
    ["fence failed"],
  ],
  [
    "activation blocked",
    (r) => {
      r.blocked = "watchdog not armed";
    },
    4,
    ["activation blocked: watchdog not armed"],
  ],
  [
    "a monitor paused, one down, one stopped; a resource failed",
    (r) => {
      r.monitors = [
        { ...(r.monitors[0] as StatusReport["monitors"][number]), name: "p", state: "paused" },
        { ...(r.monitors[0] as StatusReport["monitors"][number]), name: "d", health: "down" },
        { ...(r.monitors[0] as StatusReport["monitors"][number]), name: "s", state: "stopped", health: "down" },
      ];
      r.resources[1] = { name: "srv", kind: "mount", state: "failed", detail: "busy" };
    },
    4,
    ["monitor p paused", "monitor d down", "monitor s stopped", "resource srv failed"],
  ],
  [
    "this node STOPPED, the peer ACTIVE: served, but this node must reboot",
    (r) => {
      r.role = "STOPPED";
      r.peer.role = "ACTIVE";
    },
    4,
    ["this node is STOPPED"],
  ],
  [
    "a STANDBY whose ACTIVE went silent: nobody serves",
    (r) => {
      r.role = "STANDBY";
      r.peer.role = "ACTIVE";
      r.links = r.links.map((l) => ({ ...l, dead: true }));
    },
    5,
    ["peer b not heard on any live link", "link serial dead", "link udp dead", "link disk dead"],
  ],
  [
    "this node FENCING its peer",
    (r) => {
      r.role = "FENCING";
      r.peer.role = "ACTIVE";
      r.fence = { state: "fencing", last: null, at: null };
      r.links = r.links.map((l) => ({ ...l, dead: true }));
    },
    5,
    [
      "this node is FENCING",
      "peer b not heard on any live link",
      "link serial dead",
      "link udp dead",
      "link disk dead",
      "fence fencing",
    ],
  ],
  [
    "two STANDBY nodes",
    (r) => {
      r.role = "STANDBY";
    },
    5,
    ["peer b is STANDBY, not ACTIVE"],
  ],
];

for (const [name, change, code, reasons] of rows)
  test(`${name}: exit ${code}`, () => {
    const r = healthy();
    change(r);
    const h = judgeHealth(r);
    assert.equal([h.code, h.reasons], [code, reasons]);
    assert.is(h.state, code === 0 ? "healthy" : code === 4 ? "degraded" : "not serving");
  });

test("the sample report (disk link down and dead, a monitor paused) is degraded", () => {
  assert.equal(judgeHealth(sampleReport()).reasons, ["link disk down", "monitor db paused"]);
});

test.run();
