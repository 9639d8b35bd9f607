// The status renderer and its formatting helpers: pure functions over a StatusReport.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { StatusReport } from "../../src/mgmt/protocol.ts";
import { ago, ascii, clip, formatAge, lastRun, renderMonitors, renderStatus, table } from "../../src/cli/render.ts";
import { sampleReport } from "../mgmt/fake.ts";

const text = (r: StatusReport) => renderStatus(r).join("\n");

test("ages are short and readable from milliseconds to days; unknown is never", () => {
  const cases: [number | null, string][] = [
    [0, "0.0s"],
    [180, "0.2s"],
    [1240, "1.2s"],
    [9_949, "9.9s"],
    [9_960, "10s"],
    [42_000, "42s"],
    [72_500, "1m12s"],
    [3_599_000, "59m59s"],
    [7_500_000, "2h05m"],
    [3 * 86_400_000 + 4 * 3_600_000, "3d04h"],
    [-50, "0.0s"],
    [null, "never"],
  ];
  for (const [ms, want] of cases) assert.is(formatAge(ms), want, `${ms}`);
  assert.is(ago(1240), "1.2s ago");
  assert.is(ago(null), "never");
});

test("the report shows both nodes, the incarnation, and the peer's last heard age", () => {
  const t = text(sampleReport());
  assert.match(t, /^cluster lab, report of 2025-06-01T10:15:02\.114Z$/m);
  assert.match(t, /^ {2}this node {2}a {2}ACTIVE {3}incarnation 7$/m);
  assert.match(t, /^ {2}peer {7}b {2}STANDBY {2}last heard 0\.2s ago$/m);
  const r = sampleReport();
  r.peer = { name: "b", role: null, lastHeardAgoMs: null };
  assert.match(text(r), /peer\s+b\s+unknown\s+last heard never/);
});

test("links show state, age, late/dead, counters and the last error; a down link is marked DOWN and DEAD", () => {
  const lines = renderStatus(sampleReport());
  assert.ok(lines.includes("  LINK    STATE  HEARD      BEATS     IN    OUT  DROPPED  LAST ERROR"));
  assert.ok(lines.includes("  serial  up     0.2s ago   ok     45120  45187        0  -"));
  assert.ok(lines.includes("  udp     up     1.2s ago   late   44980  45187       12  -"));
  assert.ok(lines.includes("  disk    DOWN   1m12s ago  DEAD    3410   9011        0  EIO reading slot 1"));
  const r = sampleReport();
  r.links = [];
  assert.match(text(r), "(no heartbeat links)");
});

test("a blocked activation is shown with its reason; otherwise activation is allowed", () => {
  assert.match(text(sampleReport()), /^ {2}activation allowed$/m);
  const r = sampleReport();
  r.blocked = "poison pill pending in slot 0 (from b)";
  assert.match(text(r), /^ {2}activation BLOCKED: poison pill pending in slot 0 \(from b\)$/m);
});

test("fence state: idle with the last fence and its age, FAILED in capitals, never fenced", () => {
  assert.match(text(sampleReport()), "fence      idle, last: reset b via qmp: confirmed (16m50s ago)");
  const r = sampleReport();
  r.fence = { state: "failed", last: "qmp: timeout", at: "garbage" };
  assert.match(text(r), "fence      FAILED, last: qmp: timeout (garbage)");
  r.fence = { state: "idle", last: null, at: null };
  assert.match(text(r), "fence      idle, never fenced");
});

test("late heartbeats, monitors with counters and last result, and resources are all shown", () => {
  const t = text(sampleReport());
  assert.match(t, "heartbeats 3 late since the agent started");
  assert.match(t, /web\s+systemd\s+running\s+up\s+42\s+0\s+0/);
  assert.match(t, "    last: running, nginx.service is active (monitor, 12 ms, 3.1s ago)");
  assert.match(t, /db\s+command\s+paused\s+unknown\s+0\s+1\s+1/);
  assert.match(t, "    last: soft-error, /bin/pg-ok: OCF_ERR_GENERIC (monitor, 5003 ms, 2m22s ago)");
  assert.match(t, /srv\s+mount\s+up\s+\/dev\/vdc1 on \/srv/);
  const r = sampleReport();
  r.monitors = [];
  r.resources = [{ name: "ip", kind: "ip", state: "failed", detail: "" }];
  assert.match(text(r), "(no service monitors configured)");
  assert.match(text(r), /ip\s+ip\s+FAILED\s+-/);
});

test("a monitor's stopped state and down health stand out; no history reads 'none yet'", () => {
  const [a] = sampleReport().monitors;
  if (a === undefined) throw new Error("fixture");
  const lines = renderMonitors([{ ...a, state: "stopped", health: "down", history: [] }], "2025-06-01T10:15:02.114Z");
  assert.match(lines[1] ?? "", /web\s+systemd\s+STOPPED\s+DOWN/);
  assert.is(lines[2], "    last: none yet");
  assert.is(
    lastRun(
      { at: "2025-06-01T10:15:00.000Z", op: "recover", result: "hard-error", reason: "", ms: 1.6 },
      "2025-06-01T10:15:02.000Z",
    ),
    "hard-error (recover, 2 ms, 2.0s ago)",
  );
});

test("skipped checks and the last escalation are shown under the monitor", () => {
  const [a] = sampleReport().monitors;
  if (a === undefined) throw new Error("fixture");
  const lines = renderMonitors(
    [
      {
        ...a,
        skipped: 2,
        lastEscalation: { at: "2025-06-01T10:14:02.114Z", action: "failover", reason: "3 monitor failures" },
      },
    ],
    "2025-06-01T10:15:02.114Z",
  );
  assert.match(lines[2] ?? "", /; 2 check\(s\) skipped while one was still running$/);
  assert.is(lines[3], "    escalated: FAILOVER, 3 monitor failures (1m00s ago)");
});

test("strings from the agent cannot smuggle escape sequences or non-ASCII onto the terminal", () => {
  const r = sampleReport();
  r.blocked = "pill\x1b[2J\nnext line \u00e9";
  r.links[0] = { ...(r.links[0] as StatusReport["links"][number]), lastError: "\x07bell" };
  const t = text(r);
  assert.ok(/^[\x20-\x7e\n]*$/.test(t), JSON.stringify(t));
  assert.match(t, "BLOCKED: pill?[2J?next line ?");
  assert.is(ascii("a\tb"), "a b");
});

test("the sample report fits 80 columns", () => {
  for (const l of renderStatus(sampleReport())) assert.ok(l.length <= 80, l);
});

test("tables align columns, right-align numbers and never pad the last column", () => {
  assert.equal(
    table(
      ["A", "NUM", "NOTE"],
      [
        ["x", "5", "n"],
        ["long", "123", "-"],
      ],
      [false, true, false],
    ),
    ["  A     NUM  NOTE", "  x       5  n", "  long  123  -"],
  );
  assert.equal(table(null, [["a", "b"]]), ["  a  b"]);
  assert.is(clip("abcdefghij", 6), "abc...");
  assert.is(clip("abc", 6), "abc");
});

test.run();
