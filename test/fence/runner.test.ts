// Fencing levels: the first device that confirms wins; failures and hangs fall through; none confirmed says why.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type FenceDevice, unknownPower } from "../../src/fence/device.ts";
import { fenceBudget, runFence } from "../../src/fence/runner.ts";

function device(name: string, behave: "ok" | "fail" | "hang" | "throw", calls: string[]): FenceDevice {
  return {
    name,
    async fence(target, action, signal) {
      calls.push(`${name}:${target}:${action}`);
      if (behave === "ok") return { confirmed: true, detail: "reset confirmed" };
      if (behave === "fail") return { confirmed: false, detail: "device said no" };
      if (behave === "throw") throw new Error("connection refused");
      await new Promise((r) => signal.addEventListener("abort", r));
      return { confirmed: true, detail: "too late" };
    },
    status: () => unknownPower("test device"),
  };
}

test("the first level that confirms wins and later levels are not tried", async () => {
  const calls: string[] = [];
  const r = await runFence([device("qmp", "ok", calls), device("pill", "ok", calls)], "b", "reset", 1000);
  assert.is(r.ok, true);
  assert.is(r.device, "qmp");
  assert.equal(calls, ["qmp:b:reset"]);
});

test("a failing, throwing or hanging level falls through to the next", async () => {
  const calls: string[] = [];
  const r = await runFence(
    [
      device("ipmi", "fail", calls),
      device("redfish", "throw", calls),
      device("qmp", "hang", calls),
      device("pill", "ok", calls),
    ],
    "a",
    "off",
    100,
  );
  assert.is(r.ok, true);
  assert.is(r.device, "pill");
  assert.equal(
    r.attempts.map((a) => [a.device, a.confirmed]),
    [
      ["ipmi", false],
      ["redfish", false],
      ["qmp", false],
      ["pill", true],
    ],
  );
  assert.match(r.attempts[2]!.detail, /no answer within 100 ms/);
  assert.match(r.attempts[1]!.detail, /connection refused/);
});

test("no level, or none confirming, is a failure that says why", async () => {
  const none = await runFence([], "b", "reset", 100);
  assert.is(none.ok, false);
  assert.is(none.detail, "no fence level configured");
  const r = await runFence([device("qmp", "fail", [])], "b", "reset", 100);
  assert.is(r.ok, false);
  assert.match(r.detail, /qmp: device said no/);
});

test("a level that needs longer than the timeout (a pill's msgwait) is given its minimum", async () => {
  const slow: FenceDevice = {
    name: "pill",
    minTimeoutMs: 300,
    async fence(_t, _a, signal) {
      await Bun.sleep(150);
      return signal.aborted
        ? { confirmed: false, detail: "cut short" }
        : { confirmed: true, detail: "msgwait elapsed" };
    },
    status: () => unknownPower("test device"),
  };
  const r = await runFence([slow], "b", "reset", 50);
  assert.ok(r.ok, r.detail);
});

test("the whole fence budget covers every level's limit, so the core never gives up while a level still runs", () => {
  const a = (min?: number): FenceDevice => ({
    name: "x",
    ...(min ? { minTimeoutMs: min } : {}),
    fence: async () => ({ confirmed: false, detail: "" }),
    status: () => unknownPower(""),
  });
  assert.is(fenceBudget([a(), a(25000)], 10000), 10000 + 25000 + 1000);
  assert.is(fenceBudget([], 10000), 11000);
});

test.run();
