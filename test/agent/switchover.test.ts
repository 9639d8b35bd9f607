// The planned switchover's order of steps: refused without a ready peer; a failed freeze restarts the services
// and announces nothing; otherwise STOPPED only after the freeze, and the reboot only after the peer is ACTIVE.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type SwitchoverSteps, switchover } from "../../src/agent/switchover.ts";

function steps(over: Partial<SwitchoverSteps> = {}) {
  const calls: string[] = [];
  let peerActive = false;
  const s: SwitchoverSteps = {
    peerNotReady: () => null,
    stopServices: async () => void calls.push("stop-services"),
    resumeServices: async () => void calls.push("resume-services"),
    freeze: async () => (calls.push("freeze"), null),
    announceStopped: () => {
      calls.push("STOPPED");
      setTimeout(() => (peerActive = true), 30);
    },
    peerActive: () => peerActive,
    reboot: (why) => void calls.push(`reboot: ${why}`),
    log: () => {},
    waitMs: 2000,
    ...over,
  };
  return { s, calls };
}

test("refused while the peer is not ready: nothing is stopped or frozen", async () => {
  const { s, calls } = steps({ peerNotReady: () => "b is not heard on any link" });
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.match(r.detail, /refused: b is not heard/);
  assert.equal(calls, []);
});

test("a failed freeze restarts the services and never announces STOPPED", async () => {
  const { s, calls } = steps({ freeze: async () => (calls.push("freeze"), "fsfreeze --freeze / failed (EBUSY)") });
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.match(r.detail, /EBUSY.*still ACTIVE/);
  assert.equal(calls, ["stop-services", "freeze", "resume-services"]);
});

test("services stopped, root frozen, then STOPPED; the reboot comes only once the peer is ACTIVE", async () => {
  const { s, calls } = steps();
  const r = await switchover(s);
  assert.ok(r.ok, r.detail);
  assert.equal(calls, ["stop-services", "freeze", "STOPPED"], "the answer comes before the reboot");
  await Bun.sleep(200);
  assert.is(calls.length, 4);
  assert.match(calls[3]!, /^reboot: planned switchover: peer ACTIVE \d+ ms after the request/);
});

test("a peer that never goes ACTIVE: reboot anyway after the wait, the root staying frozen", async () => {
  const { s, calls } = steps({ announceStopped: () => void calls.push("STOPPED"), waitMs: 100 });
  await switchover(s);
  await Bun.sleep(300);
  assert.match(calls.at(-1)!, /peer not ACTIVE after \d+ ms; rebooting anyway/);
});

test.run();
