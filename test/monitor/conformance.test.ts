// The conformance check in-process: the README example passes; each kind of contract violation is reported once per line.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MonitorPlugin } from "../../src/monitor/api.ts";
import { checkConformance, startStopPlan } from "../../src/monitor/conformance.ts";
import { loadPlugin } from "../../src/monitor/loader.ts";
import { monitorConfig, FIXTURES, fixtureCopy } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-mon-conf-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const stamp = join(dir, "stamp");
writeFileSync(stamp, "");

async function fixture(name: string): Promise<MonitorPlugin> {
  const r = await loadPlugin(fixtureCopy(name, dir));
  if (!r.ok) throw new Error(r.error);
  return r.plugin;
}

const render = (lines: { status: string; step: string; detail: string }[]) =>
  lines.map((l) => `${l.status} ${l.step}: ${l.detail}`).join("\n");

test("the README example plugin is conformant and judges a real file's age", async () => {
  writeFileSync(stamp, ""); // fresh now: the whole suite is imported long before this test runs
  const plugin = await fixture("file-fresh.ts");
  const r = await checkConformance(plugin, monitorConfig({ timeout: 2000, params: { path: stamp, max_age: 60 } }));
  assert.is(r.violations, 0, render(r.lines));
  assert.equal(r.configProblems, []);
  assert.match(render(r.lines), /ok validate without path: reports: parameter path: missing/);
  assert.match(render(r.lines), /ok monitor #2: running: .*stamp is \d+ s old/);
  const old = Date.now() / 1000 - 3600;
  utimesSync(stamp, old, old);
  const ctx = {
    params: { path: stamp, max_age: 60 },
    signal: new AbortController().signal,
    timeout: 1000,
    log: { debug() {} },
  } as never;
  assert.is((await plugin.monitor(ctx)).result, "soft-error");
  const gone = { params: { path: join(dir, "nope"), max_age: 60 }, signal: new AbortController().signal } as never;
  assert.is((await plugin.monitor(gone)).result, "not-running");
  utimesSync(stamp, new Date(), new Date());
});

test("an unknown result value, validate accepting a missing required parameter and a throwing recover are violations", async () => {
  const r = await checkConformance(await fixture("misbehaving.ts"), monitorConfig({ params: { target: "x" } }));
  const fails = r.lines.filter((l) => l.status === "FAIL").map((l) => `${l.step}: ${l.detail}`);
  assert.equal(fails, [
    "validate without target: accepted the parameters without required parameter target",
    'monitor #1: returned result "ok"; expected one of running, not-running, soft-error, hard-error, fatal',
    'monitor #2: returned result "ok"; expected one of running, not-running, soft-error, hard-error, fatal',
    "recover: threw instead of returning: recover is not really implemented",
    'monitor after recover: returned result "ok"; expected one of running, not-running, soft-error, hard-error, fatal',
  ]);
  assert.is(r.violations, 5);
});

test("a monitor that exceeds its timeout, and one that ignores its abort, are violations", async () => {
  let calls = 0;
  const release: (() => void)[] = [];
  const plugin: MonitorPlugin = {
    meta: { name: "slow", description: "", parameters: {} },
    validate: () => [],
    monitor: (ctx) =>
      ++calls === 1
        ? new Promise((r) => ctx.signal.addEventListener("abort", () => r({ result: "running", reason: "late" })))
        : new Promise((r) => release.push(() => r({ result: "running", reason: "never" }))),
    recover: () => ({ result: "running", reason: "not reached" }),
  };
  const r = await checkConformance(plugin, monitorConfig({ timeout: 100 }), { abortGraceMs: 100 });
  for (const f of release) f();
  assert.equal(
    r.lines.filter((l) => l.status === "FAIL").map((l) => `${l.step}: ${l.detail}`),
    [
      "monitor #1: did not return within its timeout (100 ms)",
      "monitor #2: did not return within its timeout (100 ms)",
      "monitor #2: ignored its abort signal: still running 100 ms after the timeout",
    ],
  );
  assert.is(r.lingering, 1);
  assert.not.ok(
    r.lines.some((l) => l.step === "recover"),
    "nothing runs beside an operation that is still running",
  );
});

test("a monitor that throws is a violation; validate problems with the configured params are config problems", async () => {
  const plugin: MonitorPlugin = {
    meta: { name: "t", description: "", parameters: { n: { type: "int", required: true, doc: "n" } } },
    validate: (p) => (typeof p.n === "number" && p.n > 0 ? [] : [`parameter n = ${p.n}: expected a positive integer`]),
    monitor: () => {
      throw new Error("kaboom");
    },
  };
  const r = await checkConformance(plugin, monitorConfig({ params: { n: 1 } }));
  assert.match(render(r.lines), /FAIL monitor #1: threw instead of returning: kaboom/);
  const bad = await checkConformance(plugin, monitorConfig({ params: { n: -1, extra: true } }));
  assert.equal(bad.configProblems, [
    "parameter extra = true: unknown parameter; expected one of n",
    "parameter n = -1: expected a positive integer",
  ]);
});

test("--no-recover skips recover with a note, and a plugin without recover is not asked", async () => {
  const plugin = await fixture("misbehaving.ts");
  const r = await checkConformance(plugin, monitorConfig({ params: { target: "x" } }), { skipRecover: true });
  assert.match(render(r.lines), /note recover: skipped \(--no-recover\)/);
  assert.not.match(render(r.lines), /monitor after recover/);
});

/** A service in memory with every operation; `faults` break one part of the contract each. */
function service(
  found: "running" | "stopped",
  faults: { stopLeavesRunning?: boolean; secondStartFails?: boolean; recoverLeavesDown?: boolean } = {},
) {
  let up = found === "running";
  let starts = 0;
  const calls: string[] = [];
  const plugin: MonitorPlugin = {
    meta: { name: "mem", description: "", parameters: {} },
    validate: () => [],
    monitor: () => (
      calls.push("monitor"), up ? { result: "running", reason: "up" } : { result: "not-running", reason: "down" }
    ),
    recover: () => (
      calls.push("recover"), (up = !faults.recoverLeavesDown), { result: "running", reason: "restarted" }
    ),
    start: () => {
      calls.push("start");
      if (faults.secondStartFails && up && ++starts > 0) return { result: "soft-error", reason: "already started" };
      up = true;
      return { result: "running", reason: "started" };
    },
    stop: () => (calls.push("stop"), (up = !!faults.stopLeavesRunning), { result: "running", reason: "stopped" }),
  };
  return { plugin, calls, isUp: () => up };
}

test("a monitor after recover that does not say running is a violation", async () => {
  const r = await checkConformance(service("running", { recoverLeavesDown: true }).plugin, monitorConfig());
  assert.equal(
    r.lines.filter((l) => l.status === "FAIL").map((l) => `${l.step}: ${l.detail}`),
    ["monitor after recover: not-running: down; expected running (recover restarts the service in place)"],
  );
});

test("--start-stop: stop and start twice each, a monitor after every one, and the service left running as found", async () => {
  const s = service("running");
  const r = await checkConformance(s.plugin, monitorConfig(), { startStop: true, skipRecover: true });
  assert.is(r.violations, 0, render(r.lines));
  assert.equal(
    r.lines.slice(-8).map((l) => `${l.status} ${l.step}`),
    [
      "ok stop",
      "ok monitor after stop",
      "ok stop again (already stopped)",
      "ok monitor after the second stop",
      "ok start",
      "ok monitor after start",
      "ok start again (already running)",
      "ok monitor after the second start",
    ],
  );
  assert.ok(s.isUp());
  const down = service("stopped");
  const d = await checkConformance(down.plugin, monitorConfig(), { startStop: true, skipRecover: true });
  assert.is(d.violations, 0, render(d.lines));
  assert.equal(d.lines.at(-8)?.step, "start", "a stopped service is started first");
  assert.not.ok(down.isUp(), "and left stopped, as found");
  const plain = await checkConformance(service("running").plugin, monitorConfig(), { skipRecover: true });
  assert.not.ok(
    plain.lines.some((l) => l.step.startsWith("stop") || l.step.startsWith("start")),
    "only with --start-stop: they stop the live service",
  );
});

test("--start-stop: a stop that leaves the service running and a start that is not idempotent are violations", async () => {
  const r = await checkConformance(
    service("running", { stopLeavesRunning: true, secondStartFails: true }).plugin,
    monitorConfig(),
    { startStop: true, skipRecover: true },
  );
  assert.equal(
    r.lines.filter((l) => l.status === "FAIL").map((l) => `${l.step}: ${l.detail}`),
    [
      "monitor after stop: running: up; expected not-running (a stopped service is cleanly not running)",
      "monitor after the second stop: running: up; expected not-running (still cleanly stopped)",
      "start: soft-error: already started; expected running (a start succeeds)",
      "start again (already running): soft-error: already started; expected running (starting a running service succeeds)",
    ],
  );
});

test("--start-stop: no start/stop, or a service neither running nor stopped, is noted and left alone", async () => {
  const { plugin } = service("running");
  delete plugin.start;
  const r = await checkConformance(plugin, monitorConfig(), { startStop: true, skipRecover: true });
  assert.match(render(r.lines), /note start\/stop: the plugin has no start: not checked/);
  const broken: MonitorPlugin = {
    ...service("running").plugin,
    monitor: () => ({ result: "soft-error", reason: "wedged" }),
  };
  const b = await checkConformance(broken, monitorConfig(), { startStop: true, skipRecover: true });
  assert.match(
    render(b.lines),
    /note start\/stop: not checked: the service is soft-error \(wedged\), neither running nor cleanly stopped/,
  );
});

test("the start/stop plan goes from the state found through the other one and back, each action twice", () => {
  const ops = (found: "running" | "not-running") =>
    startStopPlan(found)
      ?.map((s) => s.op)
      .join(" ");
  assert.is(ops("running"), "stop monitor stop monitor start monitor start monitor");
  assert.is(ops("not-running"), "start monitor start monitor stop monitor stop monitor");
  assert.equal(
    startStopPlan("running")
      ?.filter((s) => s.op === "monitor")
      .map((s) => s.expect),
    [["not-running"], ["not-running"], ["running"], ["running"]],
  );
  assert.equal(
    startStopPlan("running")?.find((s) => s.op === "stop")?.expect,
    ["running", "not-running"],
    "OCF_SUCCESS or already stopped",
  );
  for (const k of ["soft-error", "hard-error", "fatal"] as const) assert.is(startStopPlan(k), null);
});

test("validate may answer with a result for this node: a hard error is noted, not a config problem; canRecover false skips recover", async () => {
  const { plugin } = service("running");
  plugin.validate = () => ({ result: "hard-error", reason: "not installed here" });
  plugin.canRecover = () => false;
  const r = await checkConformance(plugin, monitorConfig());
  assert.equal(r.configProblems, []);
  assert.match(render(r.lines), /note validate: hard-error: not installed here \(the monitor would ask for failover\)/);
  assert.match(render(r.lines), /note recover: not possible with these parameters/);
  assert.not.match(render(r.lines), /ok recover/);
  plugin.validate = () => ({ result: "fatal", reason: "no config file" });
  assert.equal((await checkConformance(plugin, monitorConfig())).configProblems, ["no config file"]);
});

test("the OCF built-in against the shell agent passes --start-stop", async () => {
  const state = join(dir, "ocf-state");
  writeFileSync(state, "running\n");
  const ocf = (await loadPlugin("ocf")) as { ok: true; plugin: MonitorPlugin };
  const r = await checkConformance(
    ocf.plugin,
    monitorConfig({
      plugin: "ocf",
      timeout: 3000,
      params: { agent: "cgtest/Dummy", ocf_root: join(FIXTURES, "ocf"), state },
    }),
    { startStop: true },
  );
  assert.is(r.violations, 0, render(r.lines));
  assert.match(render(r.lines), /ok monitor after stop: not-running: cgtest\/Dummy monitor: OCF_NOT_RUNNING/);
  assert.is(readFileSync(state, "utf8"), "running\n", "left running, as found");
});

test.run();
