// The planned switchover's order of steps: refused without a ready peer; a failed freeze restarts the services
// and announces nothing; otherwise STOPPED only after the freeze, and the reboot only after the peer is ACTIVE.
// A mount a release left mounted is frozen before STOPPED; one that cannot be frozen aborts, thawing what was frozen.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freezePlan } from "../../src/agent/freeze-plan.ts";
import type { Held } from "../../src/agent/resources/resource.ts";
import { type Release, type SwitchoverSteps, switchover } from "../../src/agent/switchover.ts";

const RELEASED: Release = { notReleased: null, held: [{ state: "free" }] };
const busy = (target: string): Held => ({ state: "held", target, detail: `${target} still mounted` });

function steps(over: Partial<SwitchoverSteps> = {}, release: Release = RELEASED, failFreeze: string[] = []) {
  const calls: string[] = [];
  let peerActive = false;
  const s: SwitchoverSteps = {
    peerNotReady: () => null,
    stopServices: async () => (calls.push("stop-services"), release),
    resumeServices: async () => void calls.push("resume-services"),
    freezeMount: async (t) => (calls.push(`freeze ${t}`), failFreeze.includes(t) ? `fsfreeze --freeze ${t} failed (Operation not supported)` : null),
    thawMount: async (t) => (calls.push(`thaw ${t}`), null),
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

test("a mount whose release failed is frozen before the root, and only then is STOPPED announced", async () => {
  const { s, calls } = steps({}, { notReleased: "1 of 2 resource(s) not released: data", held: [{ state: "free" }, busy("/srv/data")] });
  const r = await switchover(s);
  assert.ok(r.ok, r.detail);
  assert.equal(calls, ["stop-services", "freeze /srv/data", "freeze", "STOPPED"]);
  assert.match(r.detail, /^shared root \(and \/srv\/data\) frozen and STOPPED announced/);
});

test("a held mount that cannot be frozen aborts: the ones frozen before it are thawed, services restart, no STOPPED", async () => {
  const release = { notReleased: "2 of 2 resource(s) not released: logs, data", held: [busy("/srv/data"), busy("/srv/logs")] };
  const { s, calls } = steps({}, release, ["/srv/logs"]);
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.equal(calls, ["stop-services", "freeze /srv/data", "freeze /srv/logs", "thaw /srv/data", "resume-services"]);
  assert.match(r.detail, /^2 of 2 resource\(s\) not released: logs, data; \/srv\/logs is still mounted and fsfreeze --freeze \/srv\/logs failed \(Operation not supported\); not announcing STOPPED: services restarted, still ACTIVE$/);
});

test("a root that cannot be frozen after a held mount was: the mount is thawed again", async () => {
  const { s, calls } = steps({ freeze: async () => (calls.push("freeze"), "fsfreeze --freeze / failed (EBUSY)") }, { notReleased: "x", held: [busy("/srv/data")] });
  assert.is((await switchover(s)).ok, false);
  assert.equal(calls, ["stop-services", "freeze /srv/data", "freeze", "thaw /srv/data", "resume-services"]);
});

test("a mount still there but out of fsfreeze's reach refuses before anything is frozen", async () => {
  const { s, calls } = steps({}, { notReleased: "1 of 1 resource(s) not released: data", held: [{ state: "stuck", detail: "data: /dev/sdb1 is still mounted at /srv/data, under cover" }] });
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.equal(calls, ["stop-services", "resume-services"]);
  assert.match(r.detail, /under cover; not announcing STOPPED/);
});

test("the freeze plan: held targets once each, in order; any stuck one refuses", () => {
  const rows: [Held[], ReturnType<typeof freezePlan>][] = [
    [[], { freeze: [], refuse: [] }],
    [[{ state: "free" }, { state: "free" }], { freeze: [], refuse: [] }],
    [[busy("/a"), { state: "free" }, busy("/b"), busy("/a")], { freeze: ["/a", "/b"], refuse: [] }],
    [[busy("/a"), { state: "stuck", detail: "b buried" }], { freeze: ["/a"], refuse: ["b buried"] }],
  ];
  for (const [held, want] of rows) assert.equal(freezePlan(held), want, JSON.stringify(held));
});

test.run();
