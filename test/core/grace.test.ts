// Handoff graces: one per hand-over (the guard's to the agent, then each agent stop or restart), bounded per boot.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Action, CoreState, Input } from "../../src/core/index.ts";
import { MAX_GRACES_PER_BOOT } from "../../src/core/step.ts";
import { A, B, TIMERS, feed, fresh, frame } from "./fixtures.ts";

const tick = (now: number): Input => ({ kind: "tick", now });
const events = (acts: Action[], ev: string) => acts.filter((a) => a.type === "Log" && a.event === ev).length;
const grace = (now: number, seq: number, ms = 3000) =>
  frame(now, "ACTIVE", { node: "a", seq, type: "handoff-grace", graceMs: ms });
const beat = (now: number, seq: number) => frame(now, "ACTIVE", { node: "a", seq });

/** b STANDBY beside ACTIVE a, which handed its links from the initrd guard to the agent (grace 1) and resumed. */
function afterFirstHandover(): { s: CoreState; seq: number; now: number } {
  const s = feed(fresh(B, A), [beat(10, 1), grace(100, 2), beat(1500, 3), beat(1600, 4)]).s;
  assert.is(s.role, "STANDBY");
  assert.is(s.peerView.graceCount, 1);
  return { s, seq: 4, now: 1600 };
}

test("an agent stop after the guard-to-agent hand-over gets its own grace: not fenced inside it", () => {
  const { s, seq, now } = afterFirstHandover();
  // systemctl stop: grace announced, then silence for longer than deadtime but within the grace.
  const silentUntil = now + TIMERS.deadtime + 800;
  const { s: s2, all } = feed(s, [grace(now + 10, seq + 1), tick(now + TIMERS.deadtime), tick(silentUntil)]);
  assert.is(events(all, "grace-refused"), 0);
  assert.is(count(all, "FencePeer"), 0);
  assert.is(s2.role, "STANDBY", "still waiting inside the announced grace");
  assert.is(s2.peerView.graceCount, 2);
});

test("a grace copy on a second link (same seq) is silent and not counted", () => {
  const { s, seq, now } = afterFirstHandover();
  const { s: s2, all } = feed(s, [grace(now + 10, seq + 1), { ...grace(now + 20, seq + 1), channel: "serial" }]);
  assert.is(s2.peerView.graceCount, 2);
  assert.is(events(all, "grace-refused"), 0);
  assert.is(events(all, "grace"), 1);
});

test("graces cannot be chained: a second one before any newer heartbeat is refused, and the silence is judged", () => {
  const { s, seq, now } = afterFirstHandover();
  const g1 = feed(s, [grace(now + 10, seq + 1, 1000)]).s;
  const { s: s2, all } = feed(g1, [grace(now + 1200, seq + 2, 3000), tick(now + 1200 + TIMERS.deadtime)]);
  assert.is(events(all, "grace-refused"), 1);
  assert.is.not(s2.role, "STANDBY", "the refused grace did not extend the deadline");
});

test(`at most ${MAX_GRACES_PER_BOOT} graces per peer boot`, () => {
  let { s, seq, now } = afterFirstHandover();
  let refused = 0;
  for (let i = 0; i < MAX_GRACES_PER_BOOT + 3; i++) {
    const r = feed(s, [grace(now + 10, ++seq), beat(now + 50, ++seq)]);
    s = r.s;
    refused += events(r.all, "grace-refused");
    now += 100;
  }
  assert.is(s.peerView.graceCount, MAX_GRACES_PER_BOOT);
  assert.is(refused, 4, "the first hand-over's grace plus the loop's: the last four are refused");
});

test("a grace from a STANDBY is refused", () => {
  const s = feed(fresh(A, B), [frame(10, "ACTIVE", { node: "b" })]).s;
  const { all } = feed(s, [frame(20, "STANDBY", { node: "b", type: "handoff-grace", graceMs: 3000, seq: 2 })]);
  assert.is(events(all, "grace-refused"), 1);
});

function count(acts: Action[], t: string): number {
  return acts.filter((a) => a.type === t).length;
}

test.run();
