// The runner on a hand-driven clock: timeouts, skips, rise/fall, recovery and escalation, pause/resume, events.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { MonitorConfig } from "../../src/config/types.ts";
import type { MonitorPlugin } from "../../src/monitor/api.ts";
import type { Escalation, MonitorEvent } from "../../src/monitor/status.ts";
import { MonitorRunner } from "../../src/monitor/runner.ts";
import { monitorConfig, DOWN, FakeClock, FATAL, HARD, RUNNING, scripted, SOFT } from "./helpers.ts";

function setup(plugin: MonitorPlugin, over: Partial<MonitorConfig> = {}, opts: { failoverRetryMs?: number } = {}) {
  const clock = new FakeClock();
  const events: MonitorEvent[] = [];
  const escalations: Escalation[] = [];
  const runner = new MonitorRunner([{ config: monitorConfig(over), plugin }], {
    clock,
    onEvent: (e) => events.push(e),
    onEscalate: (e) => escalations.push(e),
    ...opts,
  });
  const st = () => runner.status()[0]!;
  return { clock, events, escalations, runner, st };
}

test("a hanging monitor is aborted at its timeout and counted as a failure", async () => {
  const s = scripted(["hang"], { lingerMs: 100 });
  const { clock, runner, st } = setup(s.plugin, { timeout: 300, fall: 1, on_fail: "stop" });
  runner.start();
  await clock.advance(0);
  assert.is(st().state, "running");
  await clock.advance(299);
  assert.is(s.signals[0]?.aborted, false);
  await clock.advance(1);
  assert.is(s.signals[0]?.aborted, true, "the signal aborts at the timeout");
  const last = st().history.at(-1)!;
  assert.is(last.result, "soft-error");
  assert.match(last.reason, /monitor timed out after 300 ms/);
  assert.is(st().consecutiveFail, 1);
  assert.is(st().health, "down");
});

test("a timed-out run is terminating until the plugin gives up, then idle", async () => {
  const s = scripted(["hang-ignoring-abort"]);
  const { clock, runner, st, events } = setup(s.plugin, { timeout: 300, fall: 3 });
  runner.start();
  await clock.advance(300);
  assert.is(st().state, "terminating");
  s.release();
  await clock.advance(100);
  assert.is(st().state, "idle");
  const states = events.filter((e) => e.type === "state").map((e) => (e.type === "state" ? `${e.from}->${e.to}` : ""));
  assert.equal(
    states,
    ["idle->running", "running->idle", "idle->running", "running->terminating", "terminating->idle"],
    "validate, then the monitor",
  );
});

test("checks are skipped and counted while the previous run still terminates, and those count as failures", async () => {
  const s = scripted(["hang-ignoring-abort"]);
  const { clock, runner, st, escalations, events } = setup(s.plugin, {
    interval: 1000,
    timeout: 300,
    fall: 3,
    on_fail: "failover",
  });
  runner.start();
  await clock.advance(2500);
  assert.is(st().state, "terminating");
  assert.is(s.calls.filter((c) => c === "monitor").length, 1, "no second monitor while the first is alive");
  assert.is(st().skipped, 2);
  assert.is(st().consecutiveFail, 3, "the timeout plus two skips");
  assert.equal(escalations, [{ monitor: "svc", action: "failover", reason: 'soft-error and on_fail = "failover"' }]);
  assert.ok(events.some((e) => e.type === "skip" && /still terminating/.test(e.reason)));
});

test("a check due while recover still runs is skipped but not counted as a failure", async () => {
  const s = scripted([SOFT, RUNNING], { recover: "hang", lingerMs: 0 });
  s.plugin.meta.recoverTimeout = 2500;
  const { clock, runner, st } = setup(s.plugin, { interval: 1000, timeout: 300, fall: 1 });
  runner.start();
  await clock.advance(0);
  assert.equal(s.calls, ["validate", "monitor", "recover"]);
  await clock.advance(2000);
  assert.is(st().state, "running");
  assert.is(st().skipped, 2);
  assert.is(st().consecutiveFail, 0, "the recovery reset the count and skips during running add nothing");
});

test("rise and fall smooth health: down after fall failures, up after rise successes", async () => {
  const s = scripted([RUNNING, SOFT, SOFT, RUNNING, SOFT, SOFT, SOFT, RUNNING, RUNNING]);
  const { clock, runner, st, events } = setup(s.plugin, { rise: 2, fall: 3, on_fail: "failover" });
  runner.start();
  const seen: string[] = [];
  for (let i = 0; i < 9; i++) {
    await clock.advance(i === 0 ? 0 : 1000);
    seen.push(st().health);
  }
  assert.equal(seen, ["unknown", "unknown", "unknown", "unknown", "unknown", "unknown", "down", "down", "up"]);
  const health = events.flatMap((e) => (e.type === "health" ? [`${e.from}->${e.to}`] : []));
  assert.equal(health, ["unknown->down", "down->up"]);
});

test("soft failures restart in place up to max_restarts within the window, then fail over once", async () => {
  const s = scripted([DOWN]);
  const { clock, runner, st, escalations, events } = setup(
    s.plugin,
    { fall: 2, max_restarts: 2, restart_window: 60000 },
    { failoverRetryMs: 1e9 },
  );
  runner.start();
  await clock.advance(0);
  for (let i = 0; i < 12; i++) await clock.advance(1000);
  assert.is(s.calls.filter((c) => c === "recover").length, 2);
  assert.equal(
    escalations.map((e) => e.action),
    ["failover"],
    "one request per down episode, not one per check",
  );
  assert.match(escalations[0]!.reason, /2 restart\(s\) within 60000 ms/);
  assert.is(st().restartsInWindow, 2);
  assert.is(st().lastEscalation?.action, "failover");
  assert.equal(
    events.flatMap((e) => (e.type === "decision" ? [e.action] : [])),
    ["recover", "recover", "failover"],
  );
  await clock.advance(61000);
  assert.is(st().restartsInWindow, 0, "the window slides");
});

test("recovery that works brings health back up and re-arms escalation", async () => {
  const s = scripted([SOFT]);
  const { clock, runner, st, escalations } = setup(s.plugin, { fall: 1, max_restarts: 0, on_fail: "restart" });
  runner.start();
  await clock.advance(0);
  assert.is(escalations.length, 1);
  s.setSteps([RUNNING]);
  await clock.advance(1000);
  assert.is(st().health, "up");
  s.setSteps([SOFT]);
  await clock.advance(1000);
  assert.is(escalations.length, 2, "a new down episode escalates again");
});

test("a failover request that leaves the service down is made again every failoverRetryMs, through the policy again", async () => {
  const s = scripted([DOWN]);
  const { clock, runner, escalations, events } = setup(
    s.plugin,
    { fall: 1, max_restarts: 1, restart_window: 10000 },
    { failoverRetryMs: 5000 },
  );
  runner.start();
  await clock.advance(0);
  await clock.advance(1000);
  assert.equal(
    escalations.map((e) => [e.action, e.repeat]),
    [["failover", undefined]],
    "the restart, then the first request",
  );
  await clock.advance(4000);
  assert.is(escalations.length, 1, "not before failoverRetryMs");
  await clock.advance(1000);
  assert.is(escalations.length, 2, "made again while the service is down");
  assert.is(escalations[1]?.repeat, 2);
  assert.match(
    escalations[1]!.reason,
    /^still down 5000 ms after asking for failover, asking again: not-running after 1 restart\(s\) within 10000 ms/,
  );
  await clock.advance(5000);
  assert.equal(
    escalations.map((e) => e.action),
    ["failover", "failover"],
    "the restart aged out of the window: restart in place first",
  );
  assert.is(s.calls.filter((c) => c === "recover").length, 2);
  const decisions = events.flatMap((e) => (e.type === "decision" ? [e.action] : []));
  assert.equal(decisions, ["recover", "failover", "failover", "recover"]);
  await clock.advance(1000);
  assert.equal(
    escalations.map((e) => [e.action, e.repeat]),
    [
      ["failover", undefined],
      ["failover", 2],
      ["failover", undefined],
    ],
    "the restart failed: a fresh request",
  );
});

test("nothing is repeated once the service recovers, nor after a stop", async () => {
  const s = scripted([HARD]);
  const { clock, runner, escalations, st } = setup(s.plugin, { fall: 1 }, { failoverRetryMs: 2000 });
  runner.start();
  await clock.advance(0);
  s.setSteps([RUNNING]);
  await clock.advance(5000);
  assert.is(st().health, "up");
  assert.is(escalations.length, 1);
  const f = setup(scripted([FATAL]).plugin, {}, { failoverRetryMs: 1000 });
  f.runner.start();
  await f.clock.advance(10000);
  assert.equal(
    f.escalations.map((e) => e.action),
    ["stop"],
  );
});

test("a hard error fails over at once, without waiting for fall failures", async () => {
  const s = scripted([RUNNING, HARD]);
  const { clock, runner, st, escalations } = setup(s.plugin, { fall: 3 });
  runner.start();
  await clock.advance(1000);
  assert.equal(escalations, [
    { monitor: "svc", action: "failover", reason: "hard error: restarting on this node cannot help" },
  ]);
  assert.is(st().health, "down");
  assert.ok(!s.calls.includes("recover"));
  assert.is(st().state, "idle", "monitoring goes on after a failover request");
});

test("a fatal result stops the monitor until an admin resumes it: no more checks, no failover", async () => {
  const s = scripted([FATAL]);
  const { clock, runner, st, escalations } = setup(s.plugin, { fall: 3, on_fail: "failover" });
  runner.start();
  await clock.advance(5000);
  assert.is(st().state, "stopped");
  assert.equal(
    escalations.map((e) => e.action),
    ["stop"],
  );
  assert.is(s.calls.filter((c) => c === "monitor").length, 1);
  s.setSteps([RUNNING]);
  assert.is(runner.resume("svc"), true);
  await clock.advance(0);
  assert.is(st().state, "idle");
  assert.is(st().health, "up");
  assert.is(s.calls.filter((c) => c === "validate").length, 2, "resume from stopped validates again");
});

test("on_fail = stop stops the monitor on a soft failure after fall", async () => {
  const s = scripted([SOFT]);
  const { clock, runner, st, escalations } = setup(s.plugin, { fall: 2, on_fail: "stop" });
  runner.start();
  await clock.advance(3000);
  assert.is(st().state, "stopped");
  assert.equal(
    escalations.map((e) => e.action),
    ["stop"],
  );
  assert.ok(!s.calls.includes("recover"));
});

test("parameters the plugin rejects stop the agent before any monitor (fatal: not configured)", async () => {
  const s = scripted([RUNNING], { problems: ["parameter level = 7: expected 1 or 2"] });
  const { clock, runner, st, escalations } = setup(s.plugin, { params: { level: 7 } });
  runner.start();
  await clock.advance(0);
  assert.is(st().state, "stopped");
  assert.equal(s.calls, ["validate"]);
  assert.is(st().history[0]?.op, "validate");
  assert.is(escalations[0]?.action, "stop");
  assert.match(escalations[0]!.reason, /fatal/);
  const wrongType = setup(scripted([RUNNING]).plugin, { params: { level: "high" } });
  wrongType.runner.start();
  await wrongType.clock.advance(0);
  assert.match(wrongType.st().history[0]!.reason, /parameter level = "high": expected an integer/);
});

test("a validate that times out or fails softly counts as a failure each time: after fall the policy acts", async () => {
  let calls = 0;
  const plugin: MonitorPlugin = {
    meta: { name: "v", description: "", parameters: {} },
    validate: (_p, ctx) => (++calls <= 3 ? new Promise((r) => ctx.signal.addEventListener("abort", () => r([]))) : []),
    monitor: () => RUNNING,
  };
  const { clock, runner, st, escalations } = setup(plugin, { timeout: 300, fall: 3, on_fail: "failover" });
  runner.start();
  await clock.advance(2500);
  assert.equal(
    escalations,
    [{ monitor: "svc", action: "failover", reason: 'soft-error and on_fail = "failover"' }],
    "never monitored, but not stuck either",
  );
  assert.match(st().history[0]!.reason, /validate timed out after 300 ms/);
  await clock.advance(1000);
  assert.is(st().history.at(-1)?.op, "monitor", "validated at last: monitored");
});

test("validate saying hard-error (the software is not installed here) fails over at once; a soft error then valid monitors", async () => {
  const hard: MonitorPlugin = {
    meta: { name: "h", description: "", parameters: {} },
    validate: () => HARD,
    monitor: () => RUNNING,
  };
  const h = setup(hard, { fall: 3 });
  h.runner.start();
  await h.clock.advance(0);
  assert.equal(h.escalations, [
    { monitor: "svc", action: "failover", reason: "hard error: restarting on this node cannot help" },
  ]);
  assert.is(h.st().state, "idle", "not stopped: the peer may have it");
  assert.equal(
    h.st().history.map((r) => [r.op, r.result, r.reason]),
    [["validate", "hard-error", "validate: not installed"]],
  );
  let n = 0;
  const flaky: MonitorPlugin = {
    meta: { name: "f", description: "", parameters: {} },
    validate: () => (++n === 1 ? SOFT : []),
    monitor: () => RUNNING,
  };
  const f = setup(flaky, { fall: 2 });
  f.runner.start();
  await f.clock.advance(1000);
  assert.equal(
    f.st().history.map((r) => `${r.op} ${r.result}`),
    ["validate soft-error", "validate running", "monitor running"],
  );
  assert.equal(f.escalations, []);
});

test("a plugin whose recover cannot work with its parameters fails over without spending a restart", async () => {
  const s = scripted([SOFT]);
  s.plugin.canRecover = (p) => p.level === 2;
  const { clock, runner, escalations, events } = setup(s.plugin, { fall: 1, params: { level: 1 } });
  runner.start();
  await clock.advance(0);
  assert.ok(!s.calls.includes("recover"));
  assert.equal(
    escalations.map((e) => e.reason),
    ["soft-error and the plugin cannot restart the service in place (no recover, or not with these parameters)"],
  );
  assert.equal(
    events.flatMap((e) => (e.type === "decision" ? [e.action] : [])),
    ["failover"],
  );
});

test("pause stops checks and ignores the run in flight; resume starts over with health unknown", async () => {
  const s = scripted([RUNNING]);
  const { clock, runner, st, events } = setup(s.plugin, { fall: 1 });
  runner.start();
  await clock.advance(2000);
  assert.is(st().health, "up");
  assert.is(runner.pause("svc"), true);
  assert.is(runner.pause("svc"), false, "already paused");
  assert.is(st().state, "paused");
  const before = s.calls.length;
  s.setSteps([SOFT]);
  await clock.advance(5000);
  assert.is(s.calls.length, before, "no check while paused");
  assert.is(st().health, "up");
  s.setSteps([RUNNING]);
  assert.is(runner.resume("svc"), true);
  assert.is(runner.resume("svc"), false, "already active");
  assert.is(st().health, "unknown");
  await clock.advance(0);
  assert.is(st().health, "up");
  assert.ok(events.some((e) => e.type === "state" && e.to === "paused" && e.reason === "paused by an admin"));
  assert.is(runner.pause("nope"), false);
});

test("a throwing monitor and an invalid result are soft errors that say so", async () => {
  const s = scripted(["throw"]);
  const { clock, runner, st } = setup(s.plugin, { fall: 5 });
  runner.start();
  await clock.advance(0);
  assert.match(st().history.at(-1)!.reason, /monitor threw: boom/);
  s.setSteps([{ result: "ok", reason: "" } as never]);
  await clock.advance(1000);
  assert.match(st().history.at(-1)!.reason, /plugin contract violation: returned result "ok"/);
  assert.is(st().history.at(-1)!.result, "soft-error");
});

test("history is bounded and stop() aborts the run in flight", async () => {
  const s = scripted([RUNNING]);
  const clock = new FakeClock();
  const runner = new MonitorRunner([{ config: monitorConfig(), plugin: s.plugin }], { clock, historySize: 3 });
  runner.start();
  await clock.advance(10000);
  assert.is(runner.status()[0]!.history.length, 3);
  s.setSteps(["hang"]);
  await clock.advance(1000);
  const stopping = runner.stop();
  await clock.advance(0);
  await stopping;
  assert.is(s.signals.at(-1)?.aborted, true);
  assert.is(runner.status()[0]!.state, "stopped");
});

test("two monitors with one name are refused", () => {
  const p = scripted([RUNNING]).plugin;
  assert.throws(
    () =>
      new MonitorRunner([
        { config: monitorConfig(), plugin: p },
        { config: monitorConfig(), plugin: p },
      ]),
    /two monitors named svc/,
  );
});

test.run();
