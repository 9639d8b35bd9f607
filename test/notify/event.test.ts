// Which hooks an event runs, and the event as a hook sees it: environment variables and the JSON on stdin.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NOTIFY_EVENTS } from "../../src/config/schema/notify.ts";
import type { NotifyConfig } from "../../src/config/types.ts";
import type { LogEvent } from "../../src/log/event.ts";
import { hookEnv, hookInput, hooksFor, type NotifyContext } from "../../src/notify/event.ts";

const hook = (events: NotifyConfig["events"]): NotifyConfig => ({ command: "/bin/true", events, timeout: 5000 });
const HOOKS = [
  hook(Object.keys(NOTIFY_EVENTS) as NotifyConfig["events"]),
  hook(["role"]),
  hook(["fence-request", "fence-confirmed", "fence-failed"]),
  hook(["link-down", "link-up"]),
];

const rows: [string, number[]][] = [
  ["start", [0]],
  ["role", [0, 1]],
  ["fence-request", [0, 2]],
  ["fence-confirmed", [0, 2]],
  ["fence-failed", [0, 2]],
  ["activation-blocked", [0]],
  ["monitor-escalate", [0]],
  ["link-down", [0, 3]],
  ["link-up", [0, 3]],
  ["link-dead", [0]],
  // not notifiable: a hook never runs for these, whatever its list says
  ["stats", []],
  ["fence-attempt", []],
  ["notify-failed", []],
  ["notify-done", []],
  ["toString", []],
  ["", []],
];
for (const [event, want] of rows)
  test(`hooksFor: ${event || "(empty)"} runs hooks [${want.join(", ")}]`, () => {
    assert.equal(hooksFor(event, HOOKS), want);
  });

const CTX: NotifyContext = {
  cluster: "pair1",
  node: "a",
  peer: "b",
  role: "STANDBY",
  peerRole: "ACTIVE",
  sequence: 7,
};

const roleEvent: LogEvent = {
  ts: "2025-06-01T10:15:02.114Z",
  node: "a",
  level: "notice",
  event: "role",
  message: "FENCING -> ACTIVE: b fenced",
  role: "ACTIVE",
  from: "FENCING",
  reason: "b fenced",
};

test("a role change: the new role (not the one before the event), the old one, the reason, the peer", () => {
  assert.equal(hookEnv(roleEvent, CTX, "/usr/bin:/bin"), {
    PATH: "/usr/bin:/bin",
    CLUSTERGUARD_FROM: "FENCING",
    CLUSTERGUARD_REASON: "b fenced",
    CLUSTERGUARD_NOTIFY_VERSION: "1",
    CLUSTERGUARD_SEQUENCE: "7",
    CLUSTERGUARD_EVENT: "role",
    CLUSTERGUARD_LEVEL: "notice",
    CLUSTERGUARD_MESSAGE: "FENCING -> ACTIVE: b fenced",
    CLUSTERGUARD_TIMESTAMP: "2025-06-01T10:15:02.114Z",
    CLUSTERGUARD_CLUSTER: "pair1",
    CLUSTERGUARD_NODE: "a",
    CLUSTERGUARD_ROLE: "ACTIVE",
    CLUSTERGUARD_PEER: "b",
    CLUSTERGUARD_PEER_ROLE: "ACTIVE",
  });
});

test("other events: the current role; fields in journal names; a field cannot override a fixed variable", () => {
  const e: LogEvent = {
    ts: "2025-06-01T10:15:03.000Z",
    node: "a",
    level: "warning",
    event: "peer-dead",
    message: "peer b dead:\nsilent",
    peer: "not-b",
    silentMs: 5012,
    linksAlive: null,
    fenceLevel: { type: "qmp" },
    weird: "x\0y",
  };
  const env = hookEnv(e, { ...CTX, role: "STANDBY", peerRole: null });
  assert.is(env.CLUSTERGUARD_ROLE, "STANDBY");
  assert.is(env.CLUSTERGUARD_PEER, "b", "the fixed variable wins over the event's field");
  assert.is(env.CLUSTERGUARD_PEER_ROLE, "");
  assert.is(env.CLUSTERGUARD_SILENT_MS, "5012");
  assert.is(env.CLUSTERGUARD_LINKS_ALIVE, "");
  assert.is(env.CLUSTERGUARD_FENCE_LEVEL, '{"type":"qmp"}');
  assert.is(env.CLUSTERGUARD_WEIRD, "xy", "no NUL byte can reach the environment");
  assert.is(env.CLUSTERGUARD_MESSAGE, "peer b dead:\nsilent");
  assert.is(env.PATH, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  assert.equal(
    Object.keys(env).filter((k) => !k.startsWith("CLUSTERGUARD_")),
    ["PATH"],
  );
});

test("the JSON on stdin: one line, the same facts, the event's own fields as an object", () => {
  const text = hookInput(roleEvent, CTX);
  assert.ok(text.endsWith("\n") && !text.slice(0, -1).includes("\n"));
  assert.equal(JSON.parse(text), {
    version: 1,
    sequence: 7,
    event: "role",
    level: "notice",
    message: "FENCING -> ACTIVE: b fenced",
    ts: "2025-06-01T10:15:02.114Z",
    cluster: "pair1",
    node: "a",
    role: "ACTIVE",
    peer: "b",
    peerRole: "ACTIVE",
    fields: { from: "FENCING", reason: "b fenced" },
  });
  const before = JSON.parse(hookInput({ ...roleEvent, event: "link-up", role: undefined }, { ...CTX, role: null }));
  assert.is(before.role, null, "no role known yet");
});

test.run();
