// Startup fencing needs a silence that proves the peer dead: the disk channel up, or wait_for_all = false.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initialState, step, type Action, type CoreState, type Input } from "../../src/core/index.ts";
import { A, B, OPTED_OUT, TIMERS, feed, fresh, frame, optedOut } from "./fixtures.ts";
import { Sim } from "./sim.ts";

const tick = (now: number): Input => ({ kind: "tick", now });
const names = (actions: Action[]) => actions.map((a) => (a.type === "Log" ? `Log:${a.event}` : a.type));
const cabled = () => fresh(A, B);
const withDisk = () => fresh(A, B, 0, ["serial", "udp", "disk"]);
const parked = () => feed(cabled(), [tick(TIMERS.initdead)]).s;
const refusals = (actions: Action[]) =>
  actions.filter((a) => a.type === "Log" && a.event === "startup-fence-refused") as Extract<Action, { type: "Log" }>[];

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
    name: "no disk channel, peer never heard: initdead passes and the node parks as STANDBY instead of fencing",
    given: cabled,
    when: [tick(TIMERS.initdead)],
    role: "STANDBY",
    has: ["Log:startup-fence-refused"],
    lacks: ["FencePeer"],
  },
  {
    name: "no disk channel, peer never heard, lower-ranked node: parks as STANDBY, no fence delay started",
    given: () => fresh(B, A),
    when: [tick(TIMERS.initdead)],
    role: "STANDBY",
    has: ["Log:startup-fence-refused"],
    lacks: ["FencePeer", "Log:fence-delay"],
  },
  {
    name: "the parked node never fences, however long the silence lasts",
    given: parked,
    when: [tick(TIMERS.initdead + TIMERS.fenceRetry), tick(TIMERS.initdead + 10 * TIMERS.deadtime), tick(600000)],
    role: "STANDBY",
    lacks: ["FencePeer"],
  },
  {
    name: "the parked node hears an ACTIVE peer and stays STANDBY",
    given: parked,
    when: [frame(TIMERS.initdead + 100, "ACTIVE")],
    role: "STANDBY",
    lacks: ["FencePeer", "ContinueBoot"],
  },
  {
    name: "the parked node hears the peer release the ACTIVE role and takes over, unfenced",
    given: parked,
    when: [frame(TIMERS.initdead + 100, "ACTIVE"), frame(TIMERS.initdead + 200, "STOPPED")],
    role: "ACTIVE",
    has: ["ContinueBoot"],
    lacks: ["FencePeer"],
  },
  {
    name: "the parked node hears a STANDBY peer it outranks and goes ACTIVE",
    given: parked,
    when: [frame(TIMERS.initdead + 100, "STANDBY")],
    role: "ACTIVE",
    has: ["ContinueBoot"],
  },
  {
    name: "the parked node heard the peer once, then silence for deadtime: that is a real failure and it fences",
    given: parked,
    when: [frame(TIMERS.initdead + 100, "ACTIVE"), tick(TIMERS.initdead + 100 + TIMERS.deadtime)],
    role: "FENCING",
    has: ["FencePeer"],
  },
  {
    name: "a STANDBY that heard the ACTIVE peer in this boot fences it after deadtime, without a disk channel",
    given: () => feed(cabled(), [frame(10, "ACTIVE")]).s,
    when: [tick(10 + TIMERS.deadtime)],
    role: "FENCING",
    has: ["FencePeer"],
    lacks: ["Log:startup-fence-refused"],
  },
  {
    name: "a booting node that heard its booting peer, then silence for deadtime, fences it",
    given: () => feed(cabled(), [frame(10, "BOOTING")]).s,
    when: [tick(10 + TIMERS.deadtime)],
    role: "FENCING",
    has: ["FencePeer"],
    lacks: ["Log:startup-fence-refused"],
  },
  {
    name: "the disk channel up proves the silence: startup fencing goes ahead",
    given: withDisk,
    when: [tick(TIMERS.initdead)],
    role: "FENCING",
    has: ["FencePeer"],
    lacks: ["Log:startup-fence-refused"],
  },
  {
    name: "the disk channel configured but down proves nothing: parks as STANDBY",
    given: withDisk,
    when: [{ kind: "channel", now: 5, channel: "disk", up: false, detail: "EIO" }, tick(TIMERS.initdead)],
    role: "STANDBY",
    has: ["Log:startup-fence-refused"],
    lacks: ["FencePeer"],
  },
  {
    name: "wait_for_all = false: startup fencing without a disk channel goes ahead, as the admin chose",
    given: optedOut,
    when: [tick(TIMERS.initdead)],
    role: "FENCING",
    has: ["FencePeer"],
    lacks: ["Log:startup-fence-refused"],
  },
  {
    name: "wait_for_all = false still refuses while a link reports itself down",
    given: optedOut,
    when: [{ kind: "channel", now: 5, channel: "udp", up: false, detail: "no carrier on eth1" }, tick(TIMERS.initdead)],
    role: "STANDBY",
    has: ["Log:startup-fence-refused"],
    lacks: ["FencePeer"],
  },
];

for (const r of rows) {
  test(r.name, () => {
    const { s, last } = feed(r.given(), r.when);
    const actions = names(last);
    assert.is(s.role, r.role, `role after: ${r.name}`);
    for (const a of r.has ?? []) assert.ok(actions.includes(a), `expected ${a} in [${actions.join(", ")}]`);
    for (const a of r.lacks ?? []) assert.not.ok(actions.includes(a), `did not expect ${a} in [${actions.join(", ")}]`);
  });
}

test("the refusal names the peer, the rule and what to check", () => {
  const { last } = feed(cabled(), [tick(TIMERS.initdead)]);
  const [r] = refusals(last);
  assert.ok(r, names(last).join(", "));
  assert.is(r.level, "error");
  assert.is(
    r.message,
    "never heard b on any link since this boot and no disk channel to prove it dead: not fencing (wait_for_all); check the cables, or confirm the peer is off",
  );
});

test("the parked node says why again every fenceRetry, not on every tick", () => {
  let s = cabled();
  let said = 0;
  const end = TIMERS.initdead + 2 * TIMERS.fenceRetry;
  for (let t = TIMERS.initdead; t <= end; t += 10) {
    const r = step(s, tick(t));
    s = r.state;
    said += refusals(r.actions).length;
  }
  assert.is(s.role, "STANDBY");
  assert.is(said, 3, "at initdead, then once per fenceRetry");
});

test("a node whose startup refusal changes reason (a link goes down, then back up) says the new reason at once", () => {
  const { s } = feed(cabled(), [tick(TIMERS.initdead)]);
  const down = step(s, { kind: "channel", now: TIMERS.initdead + 10, channel: "serial", up: false, detail: "EIO" });
  assert.match(String(refusals(down.actions)[0]?.message), /link serial is down/);
  const up = step(down.state, { kind: "channel", now: TIMERS.initdead + 20, channel: "serial", up: true });
  assert.match(String(refusals(up.actions)[0]?.message), /wait_for_all/);
  assert.is(up.state.role, "STANDBY");
});

test("cables cut for good, no disk channel: the node that was fenced comes back STANDBY, no fence loop", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  assert.is(sim.role("a"), "ACTIVE");
  sim.cut.add("serial");
  sim.cut.add("udp");
  sim.run(3000 + TIMERS.deadtime + sim.fenceMs + 100);
  assert.is(sim.role("b"), "ACTIVE", "b fenced a: a real failure as far as b can tell");
  assert.is(sim.nodes.b.fenceCalls, 1);
  sim.run(60000);
  assert.is(sim.nodes.a.fenceCalls, 0, "a rebooted with its cables cut and fenced nobody");
  assert.is(sim.nodes.b.fenceCalls, 1, "b was never reset, so it fenced nobody again");
  assert.is(sim.role("a"), "STANDBY");
  assert.is(sim.role("b"), "ACTIVE");
  sim.cut.clear();
  sim.run(65000);
  assert.is(sim.role("a"), "STANDBY", "a hears the ACTIVE b and stays STANDBY");
  assert.is(sim.nodes.a.fenceCalls + sim.nodes.b.fenceCalls, 1);
});

test("cables cut for good with wait_for_all = false: each boot fences the other (what the admin opted into)", () => {
  const sim = new Sim();
  sim.timers = OPTED_OUT;
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(3000);
  sim.cut.add("serial");
  sim.cut.add("udp");
  sim.run(60000);
  assert.ok(
    sim.nodes.a.fenceCalls >= 2 && sim.nodes.b.fenceCalls >= 2,
    `a fenced ${sim.nodes.a.fenceCalls}, b ${sim.nodes.b.fenceCalls} times`,
  );
});

test("both boot with every link cut and no disk channel: nobody fences, nobody goes ACTIVE; healed links give exactly one ACTIVE", () => {
  const sim = new Sim();
  sim.cut.add("serial");
  sim.cut.add("udp");
  sim.boot("a", 0);
  sim.boot("b", 0);
  sim.run(30000);
  assert.equal([sim.role("a"), sim.role("b")], ["STANDBY", "STANDBY"]);
  assert.is(sim.nodes.a.fenceCalls + sim.nodes.b.fenceCalls, 0);
  sim.cut.clear();
  sim.run(35000);
  assert.equal([sim.role("a"), sim.role("b")], ["ACTIVE", "STANDBY"], "a outranks b");
  assert.is(sim.nodes.a.fenceCalls + sim.nodes.b.fenceCalls, 0);
});

test("a boots alone and parks; b boots later: exactly one ACTIVE, no fence", () => {
  const sim = new Sim();
  sim.boot("a", 0);
  sim.boot("b", 6000);
  sim.run(5999);
  assert.is(sim.role("a"), "STANDBY");
  sim.run(12000);
  assert.equal([sim.role("a"), sim.role("b")].sort(), ["ACTIVE", "STANDBY"]);
  assert.is(sim.nodes.a.fenceCalls + sim.nodes.b.fenceCalls, 0);
});

test("a node started with wait_for_all says nothing about it while the peer answers", () => {
  const s = initialState({ now: 0, self: A, peer: B, timers: TIMERS, channels: ["serial", "udp"] });
  const { all, s: after } = feed(s, [
    frame(10, "ACTIVE"),
    frame(TIMERS.initdead, "ACTIVE"),
    frame(TIMERS.initdead + 500, "ACTIVE"),
  ]);
  assert.is(after.role, "STANDBY");
  assert.is(refusals(all).length, 0);
});

test("peer powered off, crossover NIC without carrier, disk channel up: the survivor's cold boot fences and starts", () => {
  const { s, all } = feed(withDisk(), [
    { kind: "channel", now: 5, channel: "udp", up: false, detail: "no carrier on eth1" },
    tick(TIMERS.initdead),
    tick(TIMERS.initdead + 10 * TIMERS.fenceRetry),
  ]);
  assert.ok(
    all.some((a) => a.type === "FencePeer"),
    `never fences, role ${s.role}: the cluster would never start while the peer is off`,
  );
});

test("the disk channel itself down: no startup fence, whatever the other links say", () => {
  const { all } = feed(withDisk(), [
    { kind: "channel", now: 5, channel: "disk", up: false, detail: "EIO" },
    tick(TIMERS.initdead),
    tick(TIMERS.initdead + 10 * TIMERS.fenceRetry),
  ]);
  assert.not.ok(all.some((a) => a.type === "FencePeer"));
});

test("a disk channel that came up only now (a late LUN) proves nothing yet: no fence until it has been up for max(initdead, deadtime)", () => {
  const before = feed(withDisk(), [
    { kind: "channel", now: 5, channel: "udp", up: false, detail: "no carrier" },
    { kind: "channel", now: 6, channel: "disk", up: false, detail: "ENOENT: LUN not there yet" },
    tick(TIMERS.initdead + 10),
    tick(TIMERS.initdead + 30_000),
  ]);
  assert.is(before.s.role, "STANDBY");
  const up = TIMERS.initdead + 30_001;
  const early = feed(before.s, [{ kind: "channel", now: up, channel: "disk", up: true }, tick(up + 100)]);
  assert.not.ok(
    early.all.some((a) => a.type === "FencePeer"),
    "not on a disk up for 0 ms",
  );
  const later = feed(early.s, [
    tick(up + Math.max(TIMERS.initdead, TIMERS.deadtime) + 10),
    tick(up + Math.max(TIMERS.initdead, TIMERS.deadtime) + 20 + TIMERS.fenceDelay),
  ]);
  assert.ok(
    later.all.some((a) => a.type === "FencePeer"),
    "once it has been up long enough to see a live slot move",
  );
});

test.run();
