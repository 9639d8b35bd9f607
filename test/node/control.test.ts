// `clusterguard monitors pause|resume NAME` refused: the reply says whether the monitor is missing or in the wrong state.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ClusterConfig } from "../../src/config/index.ts";
import { monitorRefusal, controlHandler } from "../../src/node/control.ts";
import { MonitorRunner } from "../../src/monitor/runner.ts";
import { monitorConfig, FakeClock, RUNNING, scripted } from "../monitor/helpers.ts";

test("each refusal names the reason: no such monitor, already paused, stopped for good, already active", () => {
  const monitors = [
    { name: "web", state: "paused" as const },
    { name: "db", state: "stopped" as const },
    { name: "q", state: "running" as const },
  ];
  const rows: ["pause" | "resume", string, string][] = [
    ["pause", "nope", "no monitor named nope; configured: web, db, q"],
    [
      "pause",
      "web",
      "cannot pause web: it is already paused; expected an active monitor (idle, running or terminating)",
    ],
    [
      "pause",
      "db",
      "cannot pause db: it is stopped (for good, waiting for an admin: clusterguard monitors resume db); expected an active monitor (idle, running or terminating)",
    ],
    ["resume", "q", "cannot resume q: it is active (running); expected a paused or stopped monitor"],
    ["resume", "nope", "no monitor named nope; configured: web, db, q"],
  ];
  for (const [action, name, want] of rows) assert.is(monitorRefusal(action, name, monitors), want);
  assert.is(monitorRefusal("pause", "x", []), "no monitor named x; configured: none");
});

test("the handler's reply for pausing a paused monitor says so, not that it does not exist", async () => {
  const clock = new FakeClock();
  const runner = new MonitorRunner([{ config: monitorConfig({ name: "web" }), plugin: scripted([RUNNING]).plugin }], {
    clock,
  });
  runner.start();
  await clock.advance(0);
  const h = controlHandler({
    config: {} as ClusterConfig,
    guard: {} as never,
    services: runner,
    standby: async () => ({ ok: true, detail: "" }),
  });
  assert.is((await h.monitors("pause", "web")).ok, true);
  assert.equal(await h.monitors("pause", "web"), {
    ok: false,
    error: "cannot pause web: it is already paused; expected an active monitor (idle, running or terminating)",
  });
  assert.is((await h.monitors("resume", "web")).ok, true);
  assert.equal(await h.monitors("resume", "web"), {
    ok: false,
    error: "cannot resume web: it is active (idle); expected a paused or stopped monitor",
  });
  await runner.stop();
});

test.run();
