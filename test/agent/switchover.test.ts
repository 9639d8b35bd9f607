// The planned switchover's order of steps: refused without a ready peer; a failed freeze restarts the services
// and announces nothing; otherwise STOPPED only after the freeze, and the reboot only after the peer is ACTIVE.
// A mount a release left mounted is frozen before STOPPED, or remounted read-only when it cannot be frozen; one that
// can be neither aborts, undoing what was done (last first).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freezePlan, NO_MOUNTS } from "../../src/agent/freeze-plan.ts";
import type { Held } from "../../src/agent/resources/resource.ts";
import { type Release, type SwitchoverSteps, switchover } from "../../src/agent/switchover.ts";

const RELEASED: Release = { notReleased: null, held: [{ state: "free" }] };
const busy = (target: string): Held => ({ state: "held", target, detail: `${target} still mounted` });
const line = (id: number, parent: number, devno: string, point: string, source: string, fstype = "ext4") => ({
  id,
  parent,
  devno,
  point,
  fstype,
  source,
  readOnly: false,
});
const disk = (name: string, devno: string) => ({ name, devno, partOf: null, slaves: [] });
const part = (name: string, devno: string, of: string) => ({ name, devno, partOf: of, slaves: [] });

function steps(
  over: Partial<SwitchoverSteps> = {},
  release: Release = RELEASED,
  failFreeze: string[] = [],
  failRemount: string[] = [],
) {
  const calls: string[] = [];
  let peerActive = false;
  const s: SwitchoverSteps = {
    peerNotReady: () => null,
    stopServices: async () => (calls.push("stop-services"), release),
    resumeServices: async () => void calls.push("resume-services"),
    mountFacts: () => NO_MOUNTS,
    freezeMount: async (t) => (
      calls.push(`freeze ${t}`),
      failFreeze.includes(t) ? `fsfreeze --freeze ${t} failed (Operation not supported)` : null
    ),
    thawMount: async (t) => (calls.push(`thaw ${t}`), null),
    remountReadOnly: async (t) => (
      calls.push(`ro ${t}`), failRemount.includes(t) ? `mount -o remount,ro ${t} failed (mount point is busy)` : null
    ),
    remountWritable: async (t) => (calls.push(`rw ${t}`), null),
    freeze: async () => (calls.push("freeze"), null),
    announceStopped: () => {
      calls.push("STOPPED");
      setTimeout(() => (peerActive = true), 30);
      return null;
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
  const { s, calls } = steps({ announceStopped: () => (calls.push("STOPPED"), null), waitMs: 100 });
  await switchover(s);
  await Bun.sleep(300);
  assert.match(calls.at(-1)!, /peer not ACTIVE after \d+ ms; rebooting anyway/);
});

test("a mount whose release failed is frozen before the root, and only then is STOPPED announced", async () => {
  const { s, calls } = steps(
    {},
    { notReleased: "1 of 2 resource(s) not released: data", held: [{ state: "free" }, busy("/srv/data")] },
  );
  const r = await switchover(s);
  assert.ok(r.ok, r.detail);
  assert.equal(calls, ["stop-services", "freeze /srv/data", "freeze", "STOPPED"]);
  assert.match(r.detail, /^shared root frozen \(and \/srv\/data frozen\) and STOPPED announced/);
});

test("a held mount that cannot be frozen is remounted read-only instead, before the root", async () => {
  const { s, calls } = steps(
    {},
    { notReleased: "1 of 1 resource(s) not released: scratch", held: [busy("/srv/scratch")] },
    ["/srv/scratch"],
  );
  const r = await switchover(s);
  assert.ok(r.ok, r.detail);
  assert.equal(calls, ["stop-services", "freeze /srv/scratch", "ro /srv/scratch", "freeze", "STOPPED"]);
  assert.match(r.detail, /^shared root frozen \(and \/srv\/scratch remounted read-only\) and STOPPED announced/);
});

test("a held mount that can be neither frozen nor remounted read-only aborts: the ones done before it are undone, last first", async () => {
  const release = {
    notReleased: "3 of 3 resource(s) not released: logs, efi, data",
    held: [busy("/srv/data"), busy("/srv/efi"), busy("/srv/logs")],
  };
  const { s, calls } = steps({}, release, ["/srv/efi", "/srv/logs"], ["/srv/logs"]);
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.equal(calls, [
    "stop-services",
    "freeze /srv/data",
    "freeze /srv/efi",
    "ro /srv/efi",
    "freeze /srv/logs",
    "ro /srv/logs",
    "rw /srv/efi",
    "thaw /srv/data",
    "resume-services",
  ]);
  assert.match(
    r.detail,
    /^3 of 3 resource\(s\) not released: logs, efi, data; \/srv\/logs still mounted: could be neither frozen \(fsfreeze --freeze \/srv\/logs failed \(Operation not supported\)\) nor remounted read-only \(mount -o remount,ro \/srv\/logs failed \(mount point is busy\)\); not announcing STOPPED: services restarted, still ACTIVE$/,
  );
});

test("the shared disk's other file systems come from the mount facts: frozen deepest first, before the root", async () => {
  const facts = {
    mounts: [
      line(1, 0, "254:1", "/", "/dev/vda1"),
      line(2, 1, "254:2", "/boot", "/dev/vda2"),
      line(3, 2, "254:3", "/boot/efi", "/dev/vda3", "vfat"),
    ],
    blocks: [
      disk("vda", "254:0"),
      part("vda1", "254:1", "vda"),
      part("vda2", "254:2", "vda"),
      part("vda3", "254:3", "vda"),
    ],
    shared: [],
    rootShared: true,
  };
  const { s, calls } = steps({ mountFacts: () => facts }, RELEASED, ["/boot/efi"]);
  const r = await switchover(s);
  assert.ok(r.ok, r.detail);
  assert.equal(calls, ["stop-services", "freeze /boot/efi", "ro /boot/efi", "freeze /boot", "freeze", "STOPPED"]);
  assert.match(r.detail, /^shared root frozen \(and \/boot frozen; \/boot\/efi remounted read-only\) and STOPPED/);
});

test("mount facts that cannot be read abort before anything is frozen", async () => {
  const { s, calls } = steps({
    mountFacts: () => {
      throw new Error("ENOENT: /proc/self/mountinfo");
    },
  });
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.equal(calls, ["stop-services", "resume-services"]);
  assert.match(
    r.detail,
    /^released; cannot tell which file systems are on shared storage: ENOENT: \/proc\/self\/mountinfo; not announcing STOPPED/,
  );
});

test("a root that cannot be frozen after a held mount was: the mount is thawed again", async () => {
  const { s, calls } = steps(
    { freeze: async () => (calls.push("freeze"), "fsfreeze --freeze / failed (EBUSY)") },
    { notReleased: "x", held: [busy("/srv/data")] },
  );
  assert.is((await switchover(s)).ok, false);
  assert.equal(calls, ["stop-services", "freeze /srv/data", "freeze", "thaw /srv/data", "resume-services"]);
});

test("a mount still there but out of fsfreeze's reach refuses before anything is frozen", async () => {
  const { s, calls } = steps(
    {},
    {
      notReleased: "1 of 1 resource(s) not released: data",
      held: [{ state: "stuck", detail: "data: /dev/sdb1 is still mounted at /srv/data, under cover" }],
    },
  );
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.equal(calls, ["stop-services", "resume-services"]);
  assert.match(r.detail, /under cover; not announcing STOPPED/);
});

test("the freeze plan: held targets once each, in order; any stuck one refuses", () => {
  const f = (...t: string[]) => t.map((target) => ({ target, what: `${target} still mounted` }));
  const rows: [Held[], { freeze: { target: string; what: string }[]; refuse: string[] }][] = [
    [[], { freeze: [], refuse: [] }],
    [[{ state: "free" }, { state: "free" }], { freeze: [], refuse: [] }],
    [[busy("/a"), { state: "free" }, busy("/b"), busy("/a")], { freeze: f("/a", "/b"), refuse: [] }],
    [[busy("/a"), { state: "stuck", detail: "b buried" }], { freeze: f("/a"), refuse: ["b buried"] }],
  ];
  for (const [held, want] of rows) assert.equal(freezePlan(held), { ...want, disks: [] }, JSON.stringify(held));
});

test("STOPPED that cannot be recorded is not announced: the root is thawed, the services come back, the node stays ACTIVE", async () => {
  const { s, calls } = steps({
    announceStopped: () => (calls.push("STOPPED refused"), "could not record that this boot releases the ACTIVE role"),
  });
  const r = await switchover(s);
  assert.is(r.ok, false);
  assert.match(r.detail, /could not record/);
  assert.equal(calls, ["stop-services", "freeze", "STOPPED refused", "thaw /", "resume-services"]);
});

test.run();
