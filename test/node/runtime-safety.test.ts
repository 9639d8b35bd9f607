// Safety of the real runtime pair over UDP: a refused self-fence, replayed frames of an old, a fenced and the
// current boot across a hand-over, and a wall clock that stepped back. Each case once let two nodes write.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { clusterIdOf, decodeFrame } from "../../src/protocol/index.ts";
import { KEY, type Node, RuntimePair, TIMERS } from "./runtime-pair.ts";

const pair = new RuntimePair(18140);
test.before(() => pair.setup());
test.after(() => pair.teardown());
test.after.each(async () => {
  await pair.teardown();
  await pair.setup();
  pair.relay.cut = false;
  pair.relay.captured.a.length = 0;
  pair.relay.captured.b.length = 0;
});

const clusterId = clusterIdOf("runtime-pair");
const decode = (bytes: Uint8Array) => {
  const d = decodeFrame(bytes, { key: KEY, clusterId });
  if (d.kind !== "ok") throw new Error(`captured frame did not decode: ${d.kind}`);
  return d.frame;
};
const role = (n: Node) => n.guard.state.role;
const firstAt = (n: Node, r: string) => n.roles.find((x) => x.role === r)?.at ?? null;

test("a node whose self-fence was refused goes silent: the STANDBY fences it before taking over, never hears STOPPED", async () => {
  const a = await pair.start("a");
  const b = await pair.start("b", { peerRequest: true });
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  // An administrator fences a from b: the peer-request level asks a over the link; a obeys, but its reset is refused.
  void b.guard.fenceNow("reset");
  await pair.until(() => a.selfFences.length > 0, 3000, "a self-fences on the request");
  await pair.until(() => role(b) === "ACTIVE", 20000, "b ACTIVE");
  assert.ok(b.fences.length > 0, "b fenced a");
  assert.ok(b.fences[0]!.at <= firstAt(b, "ACTIVE")!, "b fenced a before it went ACTIVE");
  const stopped = b.events.filter((e) => e.event === "peer-role" && e.peerRole === "STOPPED");
  assert.equal(stopped, [], "a never announced STOPPED");
  assert.not.ok(b.events.some((e) => e.event === "role" && /released the ACTIVE role/.test(e.message)));
});

test("one replayed ACTIVE frame of the peer's earlier boot does not reset the ACTIVE node that fenced it", async () => {
  // a ACTIVE alone (startup fence of b recorded) while the relay captures; then a is powered off for good.
  const a = await pair.start("a");
  await pair.until(() => role(a) === "ACTIVE", 10000, "a ACTIVE alone");
  await Bun.sleep(3 * TIMERS.keepalive);
  await pair.stop(a);
  const old = pair.relay.captured.a.filter((f) => decode(f).role === "ACTIVE").at(-1)!;
  assert.ok(old, "captured an ACTIVE frame of a");
  // b boots alone, fences a and goes ACTIVE; then the capture is replayed to it.
  const b = await pair.start("b");
  await pair.until(() => role(b) === "ACTIVE", 12000, "b ACTIVE after fencing a");
  pair.relay.inject("b", old);
  await Bun.sleep(5 * TIMERS.keepalive);
  assert.equal(b.selfFences, [], "b did not self-fence");
  assert.is(role(b), "ACTIVE");
});

test("frames captured from a boot during the outage that fenced it, replayed afterwards, change nothing", async () => {
  const a = await pair.start("a");
  const b = await pair.start("b");
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  pair.relay.cut = true; // the outage: a keeps sending (captured, echoing b's boot), b hears nothing
  await Bun.sleep(4 * TIMERS.keepalive);
  await pair.stop(a); // the fence really powers a off
  const during = pair.relay.captured.a.at(-1)!;
  assert.is(decode(during).role, "ACTIVE");
  assert.ok(decode(during).peerIncarnation > 0, "it echoes b's boot");
  await pair.until(() => role(b) === "ACTIVE", 8000, "b fences a and goes ACTIVE");
  pair.relay.cut = false;
  pair.relay.inject("b", during);
  await Bun.sleep(5 * TIMERS.keepalive);
  assert.equal(b.selfFences, [], "b did not self-fence on the fenced boot's frame");
  assert.is(role(b), "ACTIVE");
  const rej = b.guard.stats().rejected as Record<string, Record<string, number>>;
  assert.ok((rej.udp?.replay ?? 0) >= 1, `counted as a replay: ${JSON.stringify(rej)}`);
});

test("a takeover request refused before the hand-over and replayed after it starts no switchover", async () => {
  const a = await pair.start("a");
  const b = await pair.start("b");
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  await Bun.sleep(3 * TIMERS.keepalive);
  const answer = await b.guard.requestTakeover();
  assert.not.ok(answer.ok, "refused by the guard (no agent yet)");
  const request = pair.relay.captured.b.find((f) => decode(f).type === "takeover-request")!;
  assert.ok(request, "captured b's takeover request");
  const snap = await a.guard.release();
  assert.type(snap, "object");
  await pair.stop(a);
  const agent = await pair.start("a", { resume: snap as Exclude<typeof snap, string> });
  agent.guard.handOverForPeer = async (reason) => {
    agent.handOvers.push(reason);
    return { ok: false, detail: "test: recorded" };
  };
  await Bun.sleep(3 * TIMERS.keepalive);
  pair.relay.inject("a", request);
  await Bun.sleep(5 * TIMERS.keepalive);
  assert.equal(agent.handOvers, [], "no switchover for a replayed request");
  assert.is(role(agent), "ACTIVE");
  assert.is(role(b), "STANDBY");
});

test("a node whose wall clock stepped back is heard again: the peer's echo moves its incarnation past the old boot", async () => {
  const a = await pair.start("a");
  const b = await pair.start("b");
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  const before = a.guard.incarnation;
  await pair.stop(a);
  const real = Date.now;
  Date.now = () => real() - 86_400_000; // a boots again with its clock a day behind (no disk slot to remember)
  let a2: Node;
  try {
    a2 = await pair.start("a");
  } finally {
    Date.now = real;
  }
  assert.ok(
    a2.events.some((e) => e.event === "start" && Number(e.incarnation) < before),
    "the new boot starts below the old one",
  );
  await pair.until(() => b.guard.state.peerView.incarnation === a2.guard.incarnation, 3000, "b hears a's new boot");
  assert.ok(a2.guard.incarnation > before, "a continued above its old boot");
  assert.ok(
    a2.events.some((e) => e.event === "incarnation"),
    "and said why",
  );
  await pair.until(() => role(a2) === "ACTIVE", 8000, "a ACTIVE again");
  assert.equal(b.fences, [], "b never fenced the rebooted a");
  assert.is(role(b), "STANDBY");
});

/** Every run directory this file makes, in one folder removed at the end (after the pair's teardown above). */
const tmp = mkdtempSync(join(tmpdir(), "cg-runtime-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const runDir = () => mkdtempSync(join(tmp, "run-"));

test("an ACTIVE frame lost before a switchover and replayed right after the new ACTIVE's hand-over resets nothing", async () => {
  const a = await pair.start("a");
  const b = await pair.start("b");
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  await Bun.sleep(3 * TIMERS.keepalive);
  const n0 = pair.relay.captured.a.length;
  pair.relay.cut = true; // one frame of a is lost on its way; the attacker keeps it
  await pair.until(() => pair.relay.captured.a.length > n0, 1000, "one frame of a dropped");
  pair.relay.cut = false;
  const lost = pair.relay.captured.a[n0]!;
  assert.is(decode(lost).role, "ACTIVE");
  assert.is(decode(lost).peerIncarnation, b.guard.incarnation, "it echoes b's boot");
  await Bun.sleep(2 * TIMERS.keepalive);
  assert.is(a.guard.announceStopped("test: switchover"), null);
  await pair.until(() => role(b) === "ACTIVE", 5000, "b ACTIVE on a's STOPPED");
  await Bun.sleep(3 * TIMERS.keepalive);
  pair.relay.cut = true;
  const snap = await b.guard.release();
  assert.type(snap, "object");
  await pair.stop(b);
  const agent = await pair.start("b", { resume: snap as Exclude<typeof snap, string> });
  pair.relay.inject("b", lost);
  await Bun.sleep(TIMERS.keepalive);
  pair.relay.cut = false;
  await Bun.sleep(5 * TIMERS.keepalive);
  assert.equal(agent.selfFences, [], "the new ACTIVE did not self-fence on a replayed frame");
  assert.is(role(agent), "ACTIVE");
});

test("a takeover request captured earlier in this boot, replayed to an agent restarted after a crash (no snapshot), starts no switchover", async () => {
  const dir = runDir();
  const a = await pair.start("a", { runDir: dir });
  const b = await pair.start("b");
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  await Bun.sleep(3 * TIMERS.keepalive);
  const answer = await b.guard.requestTakeover();
  assert.not.ok(answer.ok, "refused (no agent yet)");
  const request = pair.relay.captured.b.find((f) => decode(f).type === "takeover-request")!;
  assert.ok(request);
  await pair.stop(a); // a crash: no snapshot
  const agent = await pair.start("a", { resume: "unguarded", runDir: dir });
  assert.is(agent.guard.incarnation, a.guard.incarnation, "the restart continues the boot's incarnation");
  agent.guard.handOverForPeer = async (reason) => {
    agent.handOvers.push(reason);
    return { ok: false, detail: "test: recorded" };
  };
  pair.relay.cut = true;
  pair.relay.inject("a", request);
  await Bun.sleep(TIMERS.keepalive);
  pair.relay.cut = false;
  await Bun.sleep(5 * TIMERS.keepalive);
  assert.equal(agent.handOvers, [], "no switchover for a replayed request");
});

test("an ACTIVE frame of the boot this node fenced, replayed to its agent restarted after a crash, resets nothing", async () => {
  const dir = runDir();
  const a = await pair.start("a");
  const b = await pair.start("b", { runDir: dir });
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  pair.relay.cut = true;
  await Bun.sleep(4 * TIMERS.keepalive);
  await pair.stop(a);
  const during = pair.relay.captured.a.at(-1)!;
  assert.is(decode(during).peerIncarnation, b.guard.incarnation, "it echoes b's boot");
  await pair.until(() => role(b) === "ACTIVE", 8000, "b fences a and goes ACTIVE");
  pair.relay.cut = false;
  await pair.stop(b); // a crash of b's agent
  const agent = await pair.start("b", { resume: "unguarded", runDir: dir });
  assert.is(agent.guard.incarnation, b.guard.incarnation);
  pair.relay.inject("b", during);
  await Bun.sleep(5 * TIMERS.keepalive);
  assert.equal(agent.selfFences, [], "the only live ACTIVE did not reset itself on a frame of the boot it had fenced");
});

test("a process restarted after a refused self-fence stays silent and tries the reset again; the peer fences it", async () => {
  const dir = runDir();
  const a = await pair.start("a", { runDir: dir });
  const b = await pair.start("b", { peerRequest: true });
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  const adminFence = b.guard.fenceNow("reset");
  await pair.until(() => a.selfFences.length > 0, 3000, "a self-fences on the request, its reset refused");
  await adminFence; // the request level gives up on the silent a; no more requests travel
  await pair.stop(a); // an admin restarts the agent on the node whose reset was refused
  const sent = pair.relay.captured.a.length;
  const again = await pair.start("a", { resume: "unguarded", runDir: dir });
  assert.ok(again.guard.state.selfFence !== null, "it starts self-fenced");
  await pair.until(() => again.selfFences.length > 0, 3000, "the restarted process tries the reset again");
  await pair.until(() => role(b) === "ACTIVE", 20000, "b ACTIVE");
  assert.is(pair.relay.captured.a.length, sent, "the restarted a sent not one frame");
  assert.ok(b.fences.length > 0 && b.fences.at(-1)!.at <= firstAt(b, "ACTIVE")!, "b fenced a before it went ACTIVE");
  assert.not.ok(
    b.events.some((e) => e.event === "peer-role" && e.peerRole === "STOPPED"),
    "a never said STOPPED",
  );
});

test("the heard record cannot be written (a full /run): no switchover starts for a request, so a crash cannot let a replay run one", async () => {
  const dir = runDir();
  mkdirSync(join(dir, "heard.json.new")); // every write of the heard record fails, as a full tmpfs would make it
  const a = await pair.start("a", { runDir: dir });
  const b = await pair.start("b");
  await pair.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
  a.guard.handOverForPeer = async (reason) => {
    a.handOvers.push(reason);
    return { ok: true, detail: "test: recorded" };
  };
  await Bun.sleep(3 * TIMERS.keepalive);
  const answer = await b.guard.requestTakeover();
  assert.not.ok(answer.ok, "refused");
  assert.match(answer.detail, /cannot record how far it heard/);
  assert.equal(a.handOvers, [], "no switchover ran");
});

test("a STANDBY guard restarted in this boot after its ACTIVE peer died fences it (the peer was heard in this boot)", async () => {
  const dir = runDir();
  const waiting = new RuntimePair(18150, "");
  await waiting.setup();
  try {
    const a = await waiting.start("a");
    const b = await waiting.start("b", { runDir: dir });
    await waiting.until(() => role(a) === "ACTIVE" && role(b) === "STANDBY", 8000, "a ACTIVE, b STANDBY");
    await Bun.sleep(3 * TIMERS.keepalive);
    await waiting.stop(a); // a dies
    await waiting.stop(b); // b's guard crashes and is restarted
    const again = await waiting.start("b", { runDir: dir });
    await waiting.until(
      () => again.fences.length > 0,
      TIMERS.initdead + 4 * TIMERS.deadtime,
      "the restarted STANDBY fences the dead ACTIVE",
    );
    assert.not.ok(
      again.events.some((e) => e.event === "startup-fence-refused"),
      "not refused as never heard",
    );
  } finally {
    await waiting.teardown();
  }
});

test.run();
