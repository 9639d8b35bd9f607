// Two machines booted as the same node (one shared disk, one wrong boot entry): the one that finds another boot of
// its own name in its disk slot never goes ACTIVE, never fences and goes silent; of two ACTIVE twins the later boot
// resets itself; and activation waits for the own slot read back (the clean start a twin is caught by).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Action, type CoreState, initialState, type Input, step } from "../../src/core/index.ts";
import { A, B, feed, fresh, frame } from "./fixtures.ts";
import { TIMERS } from "./fixtures.ts";

const sends = (acts: Action[]) => acts.filter((a) => a.type === "SendHeartbeat" || a.type === "SendMessage");
const tick = (now: number): Input => ({ kind: "tick", now });
const twin = (now: number, role: "BOOTING" | "STANDBY" | "ACTIVE", laterBoot: boolean): Input => ({
  kind: "twin",
  now,
  incarnation: 500,
  role,
  laterBoot,
});
/** a, ACTIVE after b's STANDBY echoed this boot. */
const active = () => feed(fresh(A, B), [frame(10, "STANDBY", { seq: 1 }), tick(20)]).s;

const cases: [string, () => CoreState, Input, (s: CoreState, acts: Action[]) => void][] = [
  [
    "a BOOTING node parks silently and never goes ACTIVE, even when its peer asks for it",
    () => fresh(A, B),
    twin(5, "ACTIVE", true),
    (s, acts) => {
      const later = feed(s, [frame(10, "STANDBY", { seq: 1 }), tick(100), tick(20000)]);
      assert.not.ok(
        later.all.some((a) => a.type === "ContinueBoot"),
        "never ACTIVE",
      );
      assert.equal(sends([...acts, ...later.all]), [], "silent");
      assert.not.equal(later.s.role, "ACTIVE");
    },
  ],
  [
    "a STANDBY whose peer dies neither fences nor takes over",
    () => feed(fresh(A, B), [frame(10, "ACTIVE", { seq: 1 })]).s,
    twin(50, "STANDBY", true),
    (s) => {
      // Ticks every 50 ms for 20 s, as the runtime sends them.
      const later = feed(
        s,
        Array.from({ length: 400 }, (_, i) => tick(100 + 50 * i)),
      );
      assert.not.ok(
        later.all.some((a) => a.type === "FencePeer" || a.type === "ContinueBoot"),
        "no fence, no takeover",
      );
      const deadLogs = later.all.filter(
        (a) => a.type === "Log" && (a.event === "peer-dead" || a.event === "activation-refused"),
      );
      // Once per fenceRetry at most (the old core said peer-dead at every tick: 369 lines here).
      assert.ok(deadLogs.length <= 12, `said rarely, not every tick (${deadLogs.length})`);
    },
  ],
  [
    "an ACTIVE node beside a parked twin stays ACTIVE and keeps heartbeating",
    active,
    twin(100, "BOOTING", true),
    (s) => {
      assert.is(s.role, "ACTIVE");
      const later = feed(s, [tick(1000)]);
      assert.ok(sends(later.all).length > 0, "still heartbeats");
    },
  ],
  [
    "of two ACTIVE twins, the later boot resets itself",
    active,
    twin(100, "ACTIVE", true),
    (_s, acts) => assert.ok(acts.some((a) => a.type === "SelfFence")),
  ],
  [
    "of two ACTIVE twins, the earlier boot stays (the later one resets itself)",
    active,
    twin(100, "ACTIVE", false),
    (s, acts) => {
      assert.not.ok(acts.some((a) => a.type === "SelfFence"));
      assert.is(s.role, "ACTIVE");
    },
  ],
];

for (const [name, given, input, then] of cases) {
  test(name, () => {
    const r = step(given(), input);
    then(r.state, r.actions);
  });
}

test("a FENCING node that finds a twin stops fencing and parks", () => {
  const s = feed(fresh(A, B), [frame(10, "ACTIVE", { seq: 1 }), tick(20), tick(TIMERS.deadtime + 100)]).s;
  assert.is(s.role, "FENCING");
  const r = step(s, twin(TIMERS.deadtime + 150, "BOOTING", false));
  assert.is(r.state.role, "STANDBY");
  const after = feed(r.state, [
    { kind: "fence-result", now: TIMERS.deadtime + 200, ok: true, device: "x", detail: "late" },
    tick(TIMERS.deadtime + 300),
  ]);
  assert.not.ok(
    after.all.some((a) => a.type === "ContinueBoot"),
    "a late confirmation makes it ACTIVE neither",
  );
});

test("activation waits for the own disk slot read back: pending until the shell reports it, then allowed", () => {
  const s0 = initialState({
    now: 0,
    self: A,
    peer: B,
    timers: TIMERS,
    channels: ["serial", "udp", "disk"],
    requires: ["mailbox", "slot"],
  });
  const read = feed(s0, [
    { kind: "pill", now: 5, present: false, fresh: false, power: "reset", detail: "mailbox clear" },
    frame(10, "STANDBY", { seq: 1 }),
    tick(20),
  ]);
  assert.not.ok(
    read.all.some((a) => a.type === "ContinueBoot"),
    "not ACTIVE before the slot was read back",
  );
  const ok = feed(read.s, [
    { kind: "safety", now: 30, check: "slot", ok: true, detail: "own disk slot holds this boot's writes" },
    frame(40, "STANDBY", { seq: 2 }),
    tick(50),
  ]);
  assert.ok(
    ok.all.some((a) => a.type === "ContinueBoot"),
    "ACTIVE once it was",
  );
});

test.run();
