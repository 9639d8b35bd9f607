// The simulation of two real node runtimes under random faults (test/sim/): a bounded run of seeds on every
// `make test`, the determinism replays rely on, and proof that its invariant checker catches what it must.
import { mkdirSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Plan, planFor, runPlan } from "./schedule.ts";

const ROOT = `/dev/shm/cg-sim-test-${process.pid}`;
mkdirSync(ROOT, { recursive: true });
/** Seeds per `make test`; `make sim` runs as many as asked. */
const SEEDS = Number(process.env.CG_SIM_SEEDS ?? 60);

test(`${SEEDS} random fault schedules of two real runtimes: never two machines that may write, one ACTIVE after healing`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const o = await runPlan(planFor(seed), ROOT);
    assert.ok(o.ok, `seed ${seed}: ${o.violation}\n${o.timeline.slice(-60).join("\n")}\nreplay: make sim SEED=${seed}`);
  }
});

test("two machines booted as node a (one wrong boot entry): never two writers, over the seeds that found it", async () => {
  // Each of these gave a split brain before a node read its own disk slot back (docs/design.md, row 16.2).
  for (const seed of [13, 21, 26, 28, 33, 36, 37, 41, 43, 77, 78]) {
    const o = await runPlan({ ...planFor(seed), twin: true }, ROOT);
    assert.ok(o.ok, `seed ${seed} as twins: ${o.violation}\n${o.timeline.slice(-40).join("\n")}`);
  }
});

test("a seed replays exactly: the same plan gives the same timeline, event for event", async () => {
  const a = await runPlan(planFor(7), ROOT);
  const b = await runPlan(planFor(7), ROOT);
  assert.is(a.events, b.events);
  assert.equal(a.timeline, b.timeline);
});

/** A is ACTIVE by then. */
const partitioned = (over: Partial<Plan>): Plan => ({
  seed: 4242,
  fencing: "power",
  bStartsAt: 0,
  // A VM stopped for 13 s: silent on every link, its writes held until it resumes.
  faults: [{ at: 15000, kind: "pause-long", side: 0, ms: 13000, p: [0, 0, 0] }],
  ...over,
});

test("the checker works: a stopped VM is fenced through an honest power device and nothing is lost", async () => {
  const o = await runPlan(partitioned({}), ROOT);
  assert.ok(o.ok, `${o.violation}\n${o.timeline.join("\n")}`);
});

test("the checker works: a power device that confirms without acting gives a split brain, and it is caught", async () => {
  const o = await runPlan(partitioned({ sabotage: { lyingPower: true } }), ROOT);
  assert.not.ok(o.ok);
  assert.match(o.violation ?? "", /^split brain/);
});

test("the assumption docs/design.md states: a VM paused past msgwait makes a poison pill's confirmation a lie", async () => {
  // Pill-only fencing, A (ACTIVE) stopped as a VM (its watchdog stopped with it) for far longer than msgwait: B
  // confirms the pill, goes ACTIVE, and A resumes with its root mounted. With a power level this cannot happen.
  const plan: Plan = {
    seed: 4243,
    fencing: "pill",
    bStartsAt: 0,
    faults: [{ at: 15000, kind: "pause-long", side: 0, ms: 21000, p: [0, 0, 0] }],
    sabotage: { vmPauseWithPill: true },
  };
  const o = await runPlan(plan, ROOT);
  assert.not.ok(o.ok);
  assert.match(o.violation ?? "", /^split brain/);
  const power = await runPlan({ ...plan, fencing: "power" }, ROOT);
  assert.ok(power.ok, `${power.violation}`);
});

test.run();
