// Self-fence effectors with a recording fake of reboot(2): the guard's and the agent's, kmsg first, as the pill says.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { agentEffectors } from "../../src/node/effectors.ts";
import { hostEffectors } from "../../src/node/effectors.ts";
import { initrdEffectors } from "../../src/node/effectors.ts";

/** A reset that records its arguments and, like a refused reboot(2), returns why. */
function fakeReset(calls: string[]) {
  return (power: "reset" | "off" = "reset", flush = false) => {
    calls.push(`reset ${power}${flush ? " after sync" : ""}`);
    return "reboot refused (fake)";
  };
}

test("initrd: a self-fence logs first, then resets without a sync, or powers off when the pill says off", () => {
  const calls: string[] = [];
  const fx = initrdEffectors({
    incarnation: () => 1,
    beforeContinue: () => {},
    log: (m) => void calls.push(`log ${m}`),
    reset: fakeReset(calls),
  });
  fx.selfFence("poison pill pending", "off", false);
  assert.equal(calls, ["log powering off now: poison pill pending", "reset off", "log reboot refused (fake)"]);
  calls.length = 0;
  fx.selfFence("the peer asked", "reset", true);
  assert.equal(calls, ["log resetting now: the peer asked", "reset reset after sync", "log reboot refused (fake)"]);
});

test("agent: a self-fence writes kmsg first, then resets; in host mode it ends the process instead", () => {
  const calls: string[] = [];
  const kmsg = (m: string) => void calls.push(`kmsg ${m}`);
  agentEffectors({ hostMode: false, kmsg, reset: fakeReset(calls) }).selfFence("pill", "off", false);
  assert.equal(calls, ["kmsg self-fence (off): pill", "reset off", "kmsg reboot refused (fake)"]);
  calls.length = 0;
  agentEffectors({
    hostMode: true,
    kmsg,
    exit: (c) => void calls.push(`exit ${c}`),
    reset: fakeReset(calls),
  }).selfFence("pill", "reset", false);
  assert.equal(calls, ["kmsg self-fence (reset): pill", "exit 3"]);
});

test("host mode guard: a self-fence exits with code 3 like a reset would, and never reboots", () => {
  const codes: number[] = [];
  hostEffectors((c) => void codes.push(c)).selfFence("pill", "reset");
  assert.equal(codes, [3]);
});

test.run();
