// A node that itself did not run for a while (a hung kernel, a stopped process) must not take the peer's frames
// queued behind its own late tick for the peer's silence: that fenced a healthy ACTIVE peer (found by test/sim).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Input } from "../../src/core/index.ts";
import { A, B, feed, fresh, frame, TIMERS } from "./fixtures.ts";

const tick = (now: number, stalledMs?: number): Input => ({ kind: "tick", now, ...(stalledMs ? { stalledMs } : {}) });
/** b, STANDBY beside a's ACTIVE, last heard at 1000. */
const standby = () => feed(fresh(B, A), [frame(1000, "ACTIVE", { node: "a", seq: 1 }), tick(1010)]).s;

test("a STANDBY whose own tick came 7 s late waits for the frames queued meanwhile, and stays STANDBY", () => {
  const late = 1010 + 7000;
  const r = feed(standby(), [tick(late, 6990), frame(late + 1, "ACTIVE", { node: "a", seq: 2 }), tick(late + 50)]);
  assert.not.ok(
    r.all.some((a) => a.type === "FencePeer"),
    "no fence",
  );
  assert.is(r.s.role, "STANDBY");
  assert.ok(
    r.all.some((a) => a.type === "Log" && a.event === "self-stall"),
    "says it stalled",
  );
});

test("the same late tick without the stall reported: the peer is taken for dead (what the runtime did before)", () => {
  const r = feed(standby(), [tick(1010 + 7000)]);
  assert.is(r.s.role, "FENCING");
});

test("after its own stall, a STANDBY whose peer really is dead fences it one deadtime later", () => {
  const late = 1010 + 7000;
  const quiet = feed(standby(), [tick(late, 6990), tick(late + TIMERS.deadtime - 100)]);
  assert.is(quiet.s.role, "STANDBY", "not before a deadtime of real silence");
  const dead = feed(quiet.s, [tick(late + TIMERS.deadtime + 200)]);
  assert.is(dead.s.role, "FENCING");
});

test("a guard that stalls before it first hears the peer does not count the stall toward initdead or the disk's proof", () => {
  // a outranks b (no static delay) and waits initdead for b, the disk channel up; it hangs for longer than initdead.
  const s0 = feed(fresh(A, B, 0, ["serial", "udp", "disk"]), [tick(10)]).s;
  const late = 10 + TIMERS.initdead + 3000;
  const r = feed(s0, [tick(late, late - 10 - 50), frame(late + 1, "ACTIVE", { node: "b", seq: 1 }), tick(late + 50)]);
  assert.not.ok(
    r.all.some((a) => a.type === "FencePeer"),
    "no fence of a peer whose frames were queued",
  );
  assert.is(r.s.role, "STANDBY");
  const alone = feed(s0, [tick(late, late - 10 - 50), tick(late + TIMERS.initdead + 100)]);
  assert.is(alone.s.role, "FENCING", "a peer that stays silent for initdead after the stall is fenced");
});

test.run();
