// Fencing levels: the first agent that confirms wins; failures and hangs fall through; none confirmed says why.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type FenceAgent, unknownPower } from "../../src/fence/agent.ts";
import { fenceBudget, runFence } from "../../src/fence/runner.ts";

function agent(name: string, behave: "ok" | "fail" | "hang" | "throw", calls: string[]): FenceAgent {
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
    status: () => unknownPower("test agent"),
  };
}

test("the first level that confirms wins and later levels are not tried", async () => {
  const calls: string[] = [];
  const r = await runFence([agent("qmp", "ok", calls), agent("pill", "ok", calls)], "b", "reset", 1000);
  assert.is(r.ok, true);
  assert.is(r.agent, "qmp");
  assert.equal(calls, ["qmp:b:reset"]);
});

test("a failing, throwing or hanging level falls through to the next", async () => {
  const calls: string[] = [];
  const r = await runFence(
    [
      agent("ipmi", "fail", calls),
      agent("redfish", "throw", calls),
      agent("qmp", "hang", calls),
      agent("pill", "ok", calls),
    ],
    "a",
    "off",
    100,
  );
  assert.is(r.ok, true);
  assert.is(r.agent, "pill");
  assert.equal(
    r.attempts.map((a) => [a.agent, a.confirmed]),
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

test("no agent, or none confirming, is a failure that says why", async () => {
  const none = await runFence([], "b", "reset", 100);
  assert.is(none.ok, false);
  assert.is(none.detail, "no fence agent configured");
  const r = await runFence([agent("qmp", "fail", [])], "b", "reset", 100);
  assert.is(r.ok, false);
  assert.match(r.detail, /qmp: device said no/);
});

test("a level that needs longer than the timeout (a pill's msgwait) is given its minimum", async () => {
  const slow: FenceAgent = {
    name: "pill",
    minTimeoutMs: 300,
    async fence(_t, _a, signal) {
      await Bun.sleep(150);
      return signal.aborted
        ? { confirmed: false, detail: "cut short" }
        : { confirmed: true, detail: "msgwait elapsed" };
    },
    status: () => unknownPower("test agent"),
  };
  const r = await runFence([slow], "b", "reset", 50);
  assert.ok(r.ok, r.detail);
});

test("the whole fence budget covers every level's limit, so the core never gives up while a level still runs", () => {
  const a = (min?: number): FenceAgent => ({
    name: "x",
    ...(min ? { minTimeoutMs: min } : {}),
    fence: async () => ({ confirmed: false, detail: "" }),
    status: () => unknownPower(""),
  });
  assert.is(fenceBudget([a(), a(25000)], 10000), 10000 + 25000 + 1000);
  assert.is(fenceBudget([], 10000), 11000);
});

test.run();
