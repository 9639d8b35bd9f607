// Every role transition of the core, one row each: given inputs, then one input, expect role and actions.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { step, type CoreState, type Input } from "../../src/core/index.ts";
import { blockedBy, resumedActive } from "../../src/core/index.ts";
import { A, B, TIMERS, fresh, frame, guarded, optedOut } from "./fixtures.ts";

function feed(s: CoreState, inputs: Input[]) {
  let actions: string[] = [];
  for (const i of inputs) {
    const r = step(s, i);
    s = r.state;
    actions = r.actions.map((a) =>
      a.type === "Log" ? `Log:${a.event}` : a.type === "SendMessage" ? `Send:${a.message}` : a.type,
    );
  }
  return { s, actions };
}
const tick = (now: number): Input => ({ kind: "tick", now });
const booting = () => fresh(A, B);
const asLow = () => fresh(B, A);
// Booting alone into a startup fence without a disk channel: only with wait_for_all = false (wait-for-all.test.ts).
const alone = () => optedOut(A, B);
const aloneLow = () => optedOut(B, A);
const standby = () => feed(booting(), [frame(10, "ACTIVE")]).s;
const active = () => feed(booting(), [frame(10, "STANDBY")]).s;
const fencing = () => feed(alone(), [tick(TIMERS.initdead)]).s;
const clear = (now: number): Input => ({ kind: "pill", now, present: false, fresh: false, detail: "mailbox clear" });
const armed = (now: number): Input => ({
  kind: "safety",
  now,
  check: "watchdog",
  ok: true,
  detail: "/dev/watchdog armed",
});
const noWatchdog = (now: number): Input => ({
  kind: "safety",
  now,
  check: "watchdog",
  ok: false,
  detail: "/dev/watchdog: WDIOC_SETTIMEOUT 5 s refused",
});
const unreadable = (now: number): Input => ({
  kind: "safety",
  now,
  check: "mailbox",
  ok: false,
  detail: "disk down: EIO",
});
const ready = () => feed(guarded(), [clear(5), armed(6)]).s;

interface Row {
  name: string;
  given: () => CoreState;
  when: Input[];
  role: string;
  has?: string[];
  lacks?: string[];
}

const rows: Row[] = [
  {
    name: "booting hears an ACTIVE peer and parks as STANDBY",
    given: booting,
    when: [frame(10, "ACTIVE")],
    role: "STANDBY",
    has: ["Log:role", "SendHeartbeat"],
    lacks: ["ContinueBoot"],
  },
  {
    name: "booting hears a FENCING peer and parks as STANDBY",
    given: booting,
    when: [frame(10, "FENCING")],
    role: "STANDBY",
    lacks: ["ContinueBoot"],
  },
  {
    name: "booting hears a STANDBY peer and goes ACTIVE",
    given: booting,
    when: [frame(10, "STANDBY")],
    role: "ACTIVE",
    has: ["ContinueBoot", "Send:takeover"],
  },
  {
    name: "booting hears a STANDBY peer that has not heard this boot yet and waits (a stale or replayed frame)",
    given: booting,
    when: [frame(10, "STANDBY", { echo: false })],
    role: "BOOTING",
    lacks: ["ContinueBoot"],
  },
  {
    name: "booting goes ACTIVE once the STANDBY peer's frames echo this boot",
    given: booting,
    when: [frame(10, "STANDBY", { echo: false }), frame(110, "STANDBY")],
    role: "ACTIVE",
    has: ["ContinueBoot"],
  },
  {
    name: "standby does not take over on a STOPPED that does not echo this boot",
    given: standby,
    when: [frame(50, "STOPPED", { echo: false })],
    role: "STANDBY",
    lacks: ["ContinueBoot"],
  },
  {
    name: "booting hears a STOPPED peer and goes ACTIVE",
    given: booting,
    when: [frame(10, "STOPPED")],
    role: "ACTIVE",
    has: ["ContinueBoot"],
  },
  {
    name: "booting higher-ranked node waits when the peer is also booting",
    given: booting,
    when: [frame(10, "BOOTING")],
    role: "BOOTING",
    lacks: ["ContinueBoot"],
  },
  {
    name: "booting lower-ranked node yields to a booting peer",
    given: asLow,
    when: [frame(10, "BOOTING", { node: "a" })],
    role: "STANDBY",
  },
  {
    name: "booting alone with a link down never fences: its silence proves nothing; parks as STANDBY",
    given: booting,
    when: [
      { kind: "channel", now: 5, channel: "serial", up: false, detail: "EIO" },
      tick(TIMERS.initdead + 1),
      tick(TIMERS.initdead + TIMERS.fenceRetry + 10),
    ],
    role: "STANDBY",
    lacks: ["FencePeer"],
  },
  {
    name: "the down link back up: startup fencing goes ahead",
    given: alone,
    when: [
      { kind: "channel", now: 5, channel: "serial", up: false },
      tick(TIMERS.initdead + 1),
      { kind: "channel", now: TIMERS.initdead + 2, channel: "serial", up: true },
    ],
    role: "FENCING",
    has: ["FencePeer"],
  },
  {
    name: "booting stays BOOTING just before initdead",
    given: booting,
    when: [tick(TIMERS.initdead - 1)],
    role: "BOOTING",
    lacks: ["FencePeer"],
  },
  {
    name: "booting alone until initdead fences the peer at once (higher-ranked)",
    given: alone,
    when: [tick(TIMERS.initdead)],
    role: "FENCING",
    has: ["FencePeer", "Log:fence-request"],
  },
  {
    name: "booting alone until initdead waits the static delay (lower-ranked)",
    given: aloneLow,
    when: [tick(TIMERS.initdead)],
    role: "FENCING",
    has: ["Log:fence-delay"],
    lacks: ["FencePeer"],
  },
  {
    name: "lower-ranked fencer issues the fence once the delay passed",
    given: aloneLow,
    when: [tick(TIMERS.initdead), tick(TIMERS.initdead + TIMERS.fenceDelay)],
    role: "FENCING",
    has: ["FencePeer"],
  },
  {
    name: "lower-ranked fencer hears the peer during the delay and cancels",
    given: aloneLow,
    when: [tick(TIMERS.initdead), frame(TIMERS.initdead + 10, "ACTIVE", { node: "a" })],
    role: "STANDBY",
    has: ["Log:fence-cancelled"],
    lacks: ["FencePeer"],
  },
  {
    name: "fencing confirmed makes the node ACTIVE",
    given: fencing,
    when: [{ kind: "fence-result", now: TIMERS.initdead + 50, ok: true, device: "qmp", detail: "reset" }],
    role: "ACTIVE",
    has: ["Log:fence-confirmed", "ContinueBoot"],
  },
  {
    name: "fencing not confirmed parks the node as STANDBY",
    given: fencing,
    when: [{ kind: "fence-result", now: TIMERS.initdead + 50, ok: false, device: "qmp", detail: "no reply" }],
    role: "STANDBY",
    has: ["Log:fence-failed"],
    lacks: ["ContinueBoot"],
  },
  {
    name: "fencing without a result within the timeout counts as failed",
    given: fencing,
    when: [tick(TIMERS.initdead + TIMERS.fenceTimeout)],
    role: "STANDBY",
    has: ["Log:fence-failed"],
  },
  {
    name: "a failed fence is retried after fenceRetry while the peer stays silent",
    given: fencing,
    when: [{ kind: "fence-result", now: 4100, ok: false, device: "qmp", detail: "x" }, tick(4100 + TIMERS.fenceRetry)],
    role: "FENCING",
    has: ["FencePeer"],
  },
  {
    name: "a failed fence is not retried before fenceRetry",
    given: fencing,
    when: [
      { kind: "fence-result", now: 4100, ok: false, device: "qmp", detail: "x" },
      tick(4100 + TIMERS.fenceRetry - 1),
    ],
    role: "STANDBY",
    lacks: ["FencePeer"],
  },
  {
    name: "a fence result outside FENCING changes nothing",
    given: standby,
    when: [{ kind: "fence-result", now: 50, ok: true, device: "qmp", detail: "reset" }],
    role: "STANDBY",
    has: ["Log:fence-result-ignored"],
    lacks: ["ContinueBoot"],
  },
  {
    name: "standby stays while the ACTIVE peer keeps talking",
    given: standby,
    when: [frame(1000, "ACTIVE"), frame(2000, "ACTIVE"), tick(3999)],
    role: "STANDBY",
  },
  {
    name: "standby does not fence one ms before deadtime",
    given: standby,
    when: [tick(10 + TIMERS.deadtime - 1)],
    role: "STANDBY",
    lacks: ["FencePeer"],
  },
  {
    name: "standby fences when all links are silent for deadtime",
    given: standby,
    when: [tick(10 + TIMERS.deadtime)],
    role: "FENCING",
    has: ["FencePeer", "Log:peer-dead"],
  },
  {
    name: "standby takes over without fencing when the peer released the role",
    given: standby,
    when: [frame(50, "STOPPED")],
    role: "ACTIVE",
    has: ["ContinueBoot"],
    lacks: ["FencePeer"],
  },
  {
    name: "both standby: the higher-ranked node goes ACTIVE",
    given: standby,
    when: [frame(50, "STANDBY")],
    role: "ACTIVE",
  },
  {
    name: "both standby: the lower-ranked node stays",
    given: () => feed(asLow(), [frame(10, "ACTIVE", { node: "a" })]).s,
    when: [frame(50, "STANDBY", { node: "a" })],
    role: "STANDBY",
  },
  {
    name: "standby stays when the old ACTIVE reboots into BOOTING",
    given: standby,
    when: [frame(50, "BOOTING", { incarnation: 8 })],
    role: "STANDBY",
    has: ["Log:peer-restarted"],
  },
  {
    name: "a handoff grace arriving on two links is granted once and the copy is silent",
    given: standby,
    when: [
      frame(50, "ACTIVE", { type: "handoff-grace", graceMs: 3000 }),
      frame(51, "ACTIVE", { type: "handoff-grace", graceMs: 3000 }),
    ],
    role: "STANDBY",
    lacks: ["Log:grace-refused", "Log:grace"],
  },
  {
    name: "a second grace from the same boot, after the first ran out, is refused",
    given: standby,
    when: [
      frame(50, "ACTIVE", { type: "handoff-grace", graceMs: 100 }),
      frame(400, "ACTIVE", { type: "handoff-grace", graceMs: 3000 }),
    ],
    role: "STANDBY",
    has: ["Log:grace-refused"],
  },
  {
    name: "active stays ACTIVE when the peer dies",
    given: active,
    when: [tick(5000)],
    role: "ACTIVE",
    has: ["Log:peer-lost"],
    lacks: ["FencePeer"],
  },
  {
    name: "dual ACTIVE: the higher-ranked node stays and says so",
    given: active,
    when: [frame(50, "ACTIVE")],
    role: "ACTIVE",
    has: ["Log:dual-active"],
    lacks: ["SelfFence"],
  },
  {
    name: "dual ACTIVE: the lower-ranked node fences itself",
    given: () => feed(asLow(), [frame(10, "STANDBY", { node: "a" })]).s,
    when: [frame(50, "ACTIVE", { node: "a" })],
    role: "STOPPED",
    has: ["SelfFence"],
  },
  {
    name: "a fence request from the peer makes an ACTIVE node fence itself",
    given: active,
    when: [frame(50, "STANDBY", { type: "fence-request" })],
    role: "STOPPED",
    has: ["SelfFence"],
  },
  {
    name: "a pill found while ACTIVE makes the node fence itself",
    given: active,
    when: [{ kind: "pill", now: 50, present: true, detail: "reset from b" }],
    role: "STOPPED",
    has: ["SelfFence"],
  },
  {
    name: "a pill found while booting refuses activation",
    given: booting,
    when: [{ kind: "pill", now: 5, present: true }, frame(10, "STANDBY")],
    role: "STANDBY",
    lacks: ["ContinueBoot"],
  },
  {
    name: "a pending pill refuses fencing too",
    given: booting,
    when: [{ kind: "pill", now: 5, present: true }, tick(TIMERS.initdead + 10)],
    role: "STANDBY",
    lacks: ["FencePeer"],
  },
  {
    name: "a fresh pill makes even a STANDBY obey it, powering off when it says off",
    given: booting,
    when: [
      frame(10, "ACTIVE"),
      { kind: "pill", now: 20, present: true, fresh: true, power: "off", detail: "off from b" },
    ],
    role: "STOPPED",
    has: ["SelfFence"],
  },
  {
    name: "a pill already there at boot blocks but does not self-fence",
    given: booting,
    when: [frame(10, "ACTIVE"), { kind: "pill", now: 20, present: true, fresh: false }],
    role: "STANDBY",
    lacks: ["SelfFence"],
  },
  {
    name: "a cleared pill allows activation again",
    given: booting,
    when: [{ kind: "pill", now: 5, present: true }, { kind: "pill", now: 6, present: false }, frame(10, "STOPPED")],
    role: "ACTIVE",
  },
  {
    name: "guarded boot: the STANDBY peer answers before the first mailbox read; the boot waits, quietly",
    given: guarded,
    when: [frame(10, "STANDBY")],
    role: "BOOTING",
    has: ["Log:activation-waiting"],
    lacks: ["ContinueBoot", "Log:activation-refused"],
  },
  {
    name: "guarded boot: the first clean mailbox read and the armed watchdog let the waiting boot go ACTIVE at once",
    given: guarded,
    when: [frame(10, "STANDBY"), clear(20), armed(21)],
    role: "ACTIVE",
    has: ["ContinueBoot"],
  },
  {
    name: "guarded boot: the mailbox read clean but the watchdog not armed yet: not ACTIVE",
    given: guarded,
    when: [frame(10, "STANDBY"), clear(20)],
    role: "BOOTING",
    lacks: ["ContinueBoot"],
  },
  {
    name: "guarded boot: the watchdog armed but the mailbox never read: not ACTIVE",
    given: guarded,
    when: [frame(10, "STANDBY"), armed(20)],
    role: "BOOTING",
    lacks: ["ContinueBoot"],
  },
  {
    name: "guarded boot: both checks met, the peer's STANDBY makes it ACTIVE",
    given: ready,
    when: [frame(10, "STANDBY")],
    role: "ACTIVE",
    has: ["ContinueBoot"],
  },
  {
    name: "guarded boot: a watchdog that cannot be armed is logged as critical",
    given: guarded,
    when: [clear(5), noWatchdog(6)],
    role: "BOOTING",
    has: ["Log:activation-blocked"],
  },
  {
    name: "guarded boot: a watchdog that cannot be armed refuses activation on the peer's STANDBY, loudly",
    given: guarded,
    when: [clear(5), noWatchdog(6), frame(10, "STANDBY")],
    role: "STANDBY",
    has: ["Log:activation-refused"],
    lacks: ["ContinueBoot"],
  },
  {
    name: "guarded boot: an unreadable mailbox refuses activation on the peer's echoed STOPPED",
    given: guarded,
    when: [armed(4), unreadable(5), frame(10, "STOPPED")],
    role: "STANDBY",
    lacks: ["ContinueBoot"],
  },
  {
    name: "guarded boot: a mailbox never read refuses startup fencing at initdead, loudly",
    given: guarded,
    when: [tick(TIMERS.initdead)],
    role: "STANDBY",
    has: ["Log:activation-refused"],
    lacks: ["FencePeer"],
  },
  {
    name: "guarded boot: checks still unanswered at initdead end the wait: parks as STANDBY",
    given: guarded,
    when: [frame(10, "STANDBY"), frame(TIMERS.initdead, "STANDBY")],
    role: "STANDBY",
    has: ["Log:activation-refused"],
    lacks: ["ContinueBoot"],
  },
  {
    name: "guarded boot: a pill found at the first read blocks even with the watchdog armed",
    given: guarded,
    when: [
      { kind: "pill", now: 5, present: true, fresh: false, detail: "reset from b" },
      armed(6),
      frame(10, "STANDBY"),
    ],
    role: "STANDBY",
    lacks: ["ContinueBoot", "SelfFence"],
  },
  {
    name: "guarded: a parked STANDBY whose mailbox reads again takes over from a peer that released the role",
    given: guarded,
    when: [armed(4), unreadable(5), frame(10, "STOPPED"), clear(20)],
    role: "ACTIVE",
    has: ["Log:activation-check", "ContinueBoot"],
  },
  {
    name: "guarded: a parked STANDBY that outranks its STANDBY peer goes ACTIVE once the watchdog arms",
    given: guarded,
    when: [clear(4), noWatchdog(5), frame(10, "STANDBY"), armed(20)],
    role: "ACTIVE",
    has: ["ContinueBoot"],
  },
  {
    name: "guarded: a check failing while FENCING stops the fence before it is issued",
    given: () => feed(guarded(B, A), [clear(1), armed(2), tick(TIMERS.initdead)]).s,
    when: [noWatchdog(TIMERS.initdead + 10), tick(TIMERS.initdead + TIMERS.fenceDelay)],
    role: "STANDBY",
    lacks: ["FencePeer"],
  },
  {
    name: "a fresh pill while STOPPED is obeyed: the node keeps no role to protect",
    given: () => feed(active(), [{ kind: "stop", now: 40, reason: "switchover" }]).s,
    when: [{ kind: "pill", now: 50, present: true, fresh: true, power: "off", detail: "off from b" }],
    role: "STOPPED",
    has: ["SelfFence"],
  },
  {
    name: "stop releases the ACTIVE role",
    given: active,
    when: [{ kind: "stop", now: 50, reason: "admin standby" }],
    role: "STOPPED",
    has: ["SendHeartbeat"],
  },
  {
    name: "a rejected frame changes nothing but the counter",
    given: standby,
    when: [{ kind: "rejected", now: 20, channel: "udp", reason: "bad-auth" }],
    role: "STANDBY",
    lacks: ["FencePeer", "ContinueBoot"],
  },
  {
    name: "a frame from a node that is not the peer is ignored",
    given: booting,
    when: [frame(10, "STANDBY", { node: "mallory" })],
    role: "BOOTING",
  },
  {
    name: "a channel going down is logged, no decision",
    given: standby,
    when: [{ kind: "channel", now: 20, channel: "serial", up: false, detail: "EIO" }],
    role: "STANDBY",
    has: ["Log:link-down"],
  },
];

for (const r of rows) {
  test(r.name, () => {
    const { s, actions } = feed(r.given(), r.when);
    assert.is(s.role, r.role, `role after: ${r.name}`);
    for (const a of r.has ?? []) assert.ok(actions.includes(a), `expected ${a} in [${actions.join(", ")}]`);
    for (const a of r.lacks ?? []) assert.not.ok(actions.includes(a), `did not expect ${a} in [${actions.join(", ")}]`);
  });
}

function selfFences(s: CoreState, inputs: Input[]) {
  const out: { power?: string }[] = [];
  for (const i of inputs) {
    const r = step(s, i);
    s = r.state;
    for (const a of r.actions) if (a.type === "SelfFence") out.push({ power: a.power });
  }
  return out;
}

test("a pill found while ACTIVE is obeyed as it says, off too (the agent's first read after a handover)", () => {
  assert.equal(
    selfFences(active(), [{ kind: "pill", now: 50, present: true, fresh: false, power: "off", detail: "off from b" }]),
    [{ power: "off" }],
  );
  assert.equal(selfFences(active(), [{ kind: "pill", now: 50, present: true, fresh: false, detail: "reset from b" }]), [
    { power: "reset" },
  ]);
});

test("a fresh pill while STOPPED powers off when it says off", () => {
  const stopped = feed(active(), [{ kind: "stop", now: 40, reason: "switchover" }]).s;
  assert.equal(
    selfFences(stopped, [{ kind: "pill", now: 50, present: true, fresh: true, power: "off", detail: "off from b" }]),
    [{ power: "off" }],
  );
});

test("status data: a guarded core names every reason it is blocked, and none once the checks are met", () => {
  const s = guarded();
  assert.match(String(blockedBy(s)), /^own mailbox not read yet .*; watchdog not armed yet /);
  const failed = feed(s, [noWatchdog(5)]).s;
  assert.match(
    String(blockedBy(failed)),
    /own mailbox not read yet .*; watchdog not armed: \/dev\/watchdog: WDIOC_SETTIMEOUT 5 s refused$/,
  );
  assert.is(blockedBy(ready()), null);
  assert.equal(ready().blocks, {});
  assert.is(blockedBy(booting()), null, "no checks required: nothing blocks");
});

test("a blocked STANDBY says why again every fenceRetry, not on every tick", () => {
  let s = feed(guarded(), [clear(1), noWatchdog(2), frame(10, "STANDBY")]).s;
  let refusals = 0;
  for (let t = 20; t <= 20 + 2 * TIMERS.fenceRetry; t += 10) {
    const r = step(s, frame(t, "STANDBY"));
    s = r.state;
    refusals += r.actions.filter((a) => a.type === "Log" && a.event === "activation-refused").length;
  }
  assert.is(s.role, "STANDBY");
  assert.is(refusals, 2, "once per fenceRetry");
});

test("an ACTIVE node (the agent after a handover) whose watchdog cannot be armed stays ACTIVE and says so", () => {
  const s = resumedActive({
    now: 0,
    self: A,
    peer: B,
    timers: TIMERS,
    channels: ["udp", "disk"],
    requires: ["mailbox", "watchdog"],
    peer0: { role: "STANDBY", incarnation: 7 },
  });
  const r = feed(s, [clear(5), noWatchdog(6)]);
  assert.is(r.s.role, "ACTIVE");
  assert.ok(r.actions.includes("Log:activation-blocked"), r.actions.join(", "));
  assert.match(String(blockedBy(r.s)), /watchdog not armed/);
});

test("step never mutates the state it was given", () => {
  const s = standby();
  const copy = JSON.stringify(s);
  step(s, frame(100, "STOPPED"));
  step(s, { kind: "tick", now: 99999 });
  assert.is(JSON.stringify(s), copy);
});

test("heartbeats are due every keepalive and not more often", () => {
  let s = standby();
  let sent = 0;
  for (let t = 20; t <= 1000; t += 10) {
    const r = step(s, frame(t, "ACTIVE"));
    s = r.state;
    sent += r.actions.filter((a) => a.type === "SendHeartbeat").length;
  }
  assert.ok(sent >= 9 && sent <= 11, `sent ${sent} heartbeats in ~1 s at keepalive ${TIMERS.keepalive}`);
});

test("rejected frames are counted", () => {
  let s = standby();
  for (let i = 0; i < 5; i++)
    s = step(s, { kind: "rejected", now: 20 + i, channel: "serial", reason: "malformed" }).state;
  assert.is(s.rejected, 5);
});

test("every role change is logged as one event carrying the new role", () => {
  const r = step(booting(), frame(10, "ACTIVE"));
  const roleLogs = r.actions.filter((a) => a.type === "Log" && a.event === "role");
  assert.is(roleLogs.length, 1);
  assert.is((roleLogs[0] as { role?: string }).role, "STANDBY");
});

test("a link never heard is judged from when the peer was first heard, not from boot", () => {
  const late = feed(booting(), [frame(3000, "ACTIVE", { channel: "serial" })]);
  assert.not.ok(late.actions.includes("Log:link-late"), late.actions.join(", "));
  const later = feed(late.s, [frame(3000 + TIMERS.warntime, "ACTIVE", { channel: "serial" })]);
  assert.ok(later.actions.includes("Log:link-late"), "udp silent for warntime since the peer appeared");
});

test("after a confirmed fence the peer's links start from a clean slate", () => {
  const { s } = feed(fencing(), [
    frame(TIMERS.initdead + 10, "BOOTING"),
    { kind: "fence-result", now: TIMERS.initdead + 50, ok: true, device: "qmp", detail: "reset" },
  ]);
  assert.is(s.peerView.lastHeard, null);
  for (const ch of Object.values(s.channels)) assert.equal([ch?.lastHeard, ch?.late, ch?.dead], [null, false, false]);
});

test.run();
