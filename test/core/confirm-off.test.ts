// The administrator's "the peer is off" (clusterguard fence PEER --manual --confirm), for when no fence level can
// confirm (the peer's BMC and power supply are dead): a confirmed fence while the peer is silent, refused while it
// is heard or when nothing waits for it; activation still goes through every block.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Action, type CoreState, type Input, step } from "../../src/core/index.ts";
import { A, B, feed, fresh, frame, TIMERS } from "./fixtures.ts";

const tick = (now: number): Input => ({ kind: "tick", now });
const confirm = (now: number): Input => ({ kind: "confirm-off", now, detail: "b's power supply burned (checked)" });
const answer = (acts: Action[]) =>
  acts.find((a) => a.type === "ConfirmOffAnswer") as { ok: boolean; detail: string } | undefined;
/** After initdead: a confirm is refused before (the peer may not have been heard yet). */
const T0 = TIMERS.initdead;
const D = T0 + TIMERS.deadtime;
/** a STANDBY beside b's ACTIVE. */
const standby = () => feed(fresh(A, B), [frame(T0, "ACTIVE", { seq: 1 })]).s;
/** a fencing b, the fence issued and still running (a level that hangs). */
const fencing = () => feed(standby(), [tick(D + 100)]).s;
/** a back to STANDBY after every level failed, b still silent. */
const failed = () =>
  feed(fencing(), [{ kind: "fence-result", now: D + 200, ok: false, device: "ipmi", detail: "BMC unreachable" }]).s;

const accepted: [string, () => CoreState, number][] = [
  ["while a fence is still running", fencing, D + 150],
  ["after every level failed, between retries", failed, D + 300],
];
for (const [when, given, now] of accepted) {
  test(`confirmed ${when}: counted as the fence, and this node goes ACTIVE`, () => {
    const s0 = given();
    const r = step(s0, confirm(now));
    assert.is(answer(r.actions)?.ok, true, answer(r.actions)?.detail);
    assert.is(r.state.role, "ACTIVE");
    assert.ok(r.actions.some((a) => a.type === "ContinueBoot"));
    assert.is(r.state.fence.fencedIncarnation, 7, "b's boot is over: its frames are refused from now on");
    const late = step(r.state, { kind: "fence-result", now: now + 10, ok: true, device: "ipmi", detail: "late" });
    assert.is(late.state.role, "ACTIVE", "a late result of the running fence changes nothing");
  });
}

test("a peer never heard since boot (wait_for_all refuses to fence it) can be confirmed off", () => {
  const s0 = feed(fresh(A, B), [tick(TIMERS.initdead + 100)]).s;
  assert.not.equal(s0.role, "ACTIVE");
  const r = step(s0, confirm(TIMERS.initdead + 200));
  assert.is(answer(r.actions)?.ok, true, answer(r.actions)?.detail);
  assert.is(r.state.role, "ACTIVE");
});

const refused: [string, () => CoreState, number, RegExp][] = [
  ["while the peer is heard", standby, T0 + 90, /b was heard 90 ms ago: a node that is heard is not off/],
  [
    "on an ACTIVE node",
    () => feed(fresh(A, B), [frame(10, "STANDBY", { seq: 1 }), tick(20)]).s,
    T0 + 30,
    /this node is ACTIVE/,
  ],
  ["before initdead (the peer may not have been heard yet)", () => fresh(A, B), 100, /wait initdead/],
  [
    "while activation is blocked: nothing is counted, the peer's boot stays unretired",
    () => feed(fencing(), [{ kind: "twin", now: D + 120, incarnation: 9, role: "BOOTING", laterBoot: false }]).s,
    D + 200,
    /refused, nothing counted: activation is blocked \(another machine runs as a/,
  ],
  [
    "while the shared disk cannot be read (the peer's slot would show it running)",
    () =>
      feed(fresh(A, B, 0, ["serial", "udp", "disk"]), [
        frame(T0, "ACTIVE", { seq: 1 }),
        { kind: "channel", now: T0 + 10, channel: "disk", up: false, detail: "EIO" },
        tick(D + 100),
      ]).s,
    D + 150,
    /the shared disk cannot be read here/,
  ],
];
for (const [when, given, now, why] of refused) {
  test(`refused ${when}, and nothing changes`, () => {
    const s0 = given();
    const r = step(s0, confirm(now));
    assert.is(answer(r.actions)?.ok, false);
    assert.match(answer(r.actions)?.detail ?? "", why);
    assert.not.ok(r.actions.some((a) => a.type === "ContinueBoot"));
    assert.is(r.state.role, s0.role);
    assert.is(r.state.fence.fencedIncarnation, s0.fence.fencedIncarnation, "no boot retired");
  });
}

test.run();
