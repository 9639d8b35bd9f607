// SBD's order at start: a booting node reads its own mailbox before it announces its new boot, so a fencer that
// clears its pill on hearing that boot can never clear it before the node has seen it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Action, type Input, resumedActive } from "../../src/core/index.ts";
import { MAILBOX_QUIET_MS } from "../../src/core/step.ts";
import { A, B, TIMERS, feed, fresh, frame, guarded } from "./fixtures.ts";

const beats = (acts: Action[]) => acts.filter((a) => a.type === "SendHeartbeat").length;
const tick = (now: number): Input => ({ kind: "tick", now });

test("nothing is sent before the first mailbox read, even with the peer talking; the read's step sends at once", () => {
  const before = feed(guarded(A, B), [tick(5), frame(10, "ACTIVE"), tick(300), frame(400, "ACTIVE")]);
  assert.is(beats(before.all), 0, "silent while the own mailbox is unread");
  const read = feed(before.s, [{ kind: "pill", now: 450, present: true, fresh: false, detail: "reset from b" }]);
  assert.is(beats(read.all), 1, "the step that learnt the pill announces the boot");
  assert.is(read.s.role, "STANDBY");
  assert.ok(read.s.blocks.pill, "the pill blocks activation: it was seen before the fencer could clear it");
});

test("a mailbox that cannot be read in time does not keep the node silent: heartbeats after the quiet, activation still refused", () => {
  const { s, all } = feed(guarded(A, B), [
    tick(5),
    frame(10, "STANDBY"),
    tick(MAILBOX_QUIET_MS - 1),
    tick(MAILBOX_QUIET_MS),
  ]);
  assert.is(beats(all), 1);
  assert.not.equal(s.role, "ACTIVE");
});

test("a mailbox read that fails ends the quiet at once", () => {
  const { all } = feed(guarded(A, B), [
    tick(5),
    { kind: "safety", now: 20, check: "mailbox", ok: false, detail: "disk down: EIO" },
  ]);
  assert.is(beats(all), 1);
});

test("without a disk channel there is no mailbox to wait for: the first tick sends", () => {
  assert.is(beats(feed(fresh(A, B), [tick(5)]).all), 1);
});

test("an agent resuming the ACTIVE role never goes quiet, even before its first mailbox read", () => {
  const s = resumedActive({
    now: 0,
    self: A,
    peer: B,
    timers: TIMERS,
    channels: ["serial", "udp", "disk"],
    requires: ["mailbox", "watchdog"],
    peer0: { role: "STANDBY", incarnation: 7 },
  });
  assert.is(beats(feed(s, [tick(5)]).all), 1);
});

test.run();
