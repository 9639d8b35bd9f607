// The conformance check in-process: the README example passes; each kind of contract violation is reported once per line.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SmaPlugin } from "../../src/sma/api.ts";
import { checkConformance } from "../../src/sma/conformance.ts";
import { loadPlugin } from "../../src/sma/loader.ts";
import { agentConfig, fixtureCopy } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-sma-conf-"));
const stamp = join(dir, "stamp");
writeFileSync(stamp, "");

async function fixture(name: string): Promise<SmaPlugin> {
  const r = await loadPlugin(fixtureCopy(name, dir));
  if (!r.ok) throw new Error(r.error);
  return r.plugin;
}

const render = (lines: { status: string; step: string; detail: string }[]) => lines.map((l) => `${l.status} ${l.step}: ${l.detail}`).join("\n");

test("the README example plugin is conformant and judges a real file's age", async () => {
  writeFileSync(stamp, ""); // fresh now: the whole suite is imported long before this test runs
  const plugin = await fixture("file-fresh.ts");
  const r = await checkConformance(plugin, agentConfig({ timeout: 2000, params: { path: stamp, max_age: 60 } }));
  assert.is(r.violations, 0, render(r.lines));
  assert.equal(r.configProblems, []);
  assert.match(render(r.lines), /ok validate without path: reports: parameter path: missing/);
  assert.match(render(r.lines), /ok monitor #2: running: .*stamp is \d+ s old/);
  const old = Date.now() / 1000 - 3600;
  utimesSync(stamp, old, old);
  const ctx = { params: { path: stamp, max_age: 60 }, signal: new AbortController().signal, timeout: 1000, log: { debug() {} } } as never;
  assert.is((await plugin.monitor(ctx)).result, "soft-error");
  const gone = { params: { path: join(dir, "nope"), max_age: 60 }, signal: new AbortController().signal } as never;
  assert.is((await plugin.monitor(gone)).result, "not-running");
  utimesSync(stamp, new Date(), new Date());
});

test("an unknown result value, validate accepting a missing required parameter and a throwing recover are violations", async () => {
  const r = await checkConformance(await fixture("misbehaving.ts"), agentConfig({ params: { target: "x" } }));
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
  const plugin: SmaPlugin = {
    meta: { name: "slow", description: "", parameters: {} },
    validate: () => [],
    monitor: (ctx) =>
      ++calls === 1
        ? new Promise((r) => ctx.signal.addEventListener("abort", () => r({ result: "running", reason: "late" })))
        : new Promise((r) => release.push(() => r({ result: "running", reason: "never" }))),
    recover: () => ({ result: "running", reason: "not reached" }),
  };
  const r = await checkConformance(plugin, agentConfig({ timeout: 100 }), { abortGraceMs: 100 });
  release.forEach((f) => f());
  assert.equal(r.lines.filter((l) => l.status === "FAIL").map((l) => `${l.step}: ${l.detail}`), [
    "monitor #1: did not return within its timeout (100 ms)",
    "monitor #2: did not return within its timeout (100 ms)",
    "monitor #2: ignored its abort signal: still running 100 ms after the timeout",
  ]);
  assert.is(r.lingering, 1);
  assert.not.ok(r.lines.some((l) => l.step === "recover"), "nothing runs beside an operation that is still running");
});

test("a monitor that throws is a violation; validate problems with the configured params are config problems", async () => {
  const plugin: SmaPlugin = {
    meta: { name: "t", description: "", parameters: { n: { type: "int", required: true, doc: "n" } } },
    validate: (p) => (typeof p.n === "number" && p.n > 0 ? [] : [`parameter n = ${p.n}: expected a positive integer`]),
    monitor: () => {
      throw new Error("kaboom");
    },
  };
  const r = await checkConformance(plugin, agentConfig({ params: { n: 1 } }));
  assert.match(render(r.lines), /FAIL monitor #1: threw instead of returning: kaboom/);
  const bad = await checkConformance(plugin, agentConfig({ params: { n: -1, extra: true } }));
  assert.equal(bad.configProblems, ["parameter extra = true: unknown parameter; expected one of n", "parameter n = -1: expected a positive integer"]);
});

test("--no-recover skips recover with a note, and a plugin without recover is not asked", async () => {
  const plugin = await fixture("misbehaving.ts");
  const r = await checkConformance(plugin, agentConfig({ params: { target: "x" } }), { skipRecover: true });
  assert.match(render(r.lines), /note recover: skipped \(--no-recover\)/);
  assert.not.match(render(r.lines), /monitor after recover/);
});

test.run();
