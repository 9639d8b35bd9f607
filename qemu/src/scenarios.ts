// The lab scenarios, named like Pacemaker's CTS: each boots the pair, injects one fault, checks and measures.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ask } from "./control.ts";
import { checkIntegrity } from "./integrity.ts";
import { down, prepare, type Status, up, waitStatus } from "./lifecycle.ts";
import { NODES, type Node, RUN } from "./paths.ts";
import { consoles, firstAfter, Run, type ScenarioResult } from "./scenario-kit.ts";

const guard = (ev: string) => (e: { kind: string; event?: string }) => e.kind === "guard" && e.event === ev;

/** B is parked: no mount of the shared root, not one byte written to it. */
async function checkParked(run: Run, standby: Node): Promise<void> {
  run.step(`${standby} parked: checking it neither mounts nor writes the shared root`);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(!s.nodes[standby].rootMounted, `${standby} has not mounted the shared root`);
  const io = (await ask<{ io: { wrBytes: number } | null }>({ cmd: "rootio", node: standby })).io;
  run.expect(io !== null && io.wrBytes === 0, `${standby} wrote 0 bytes to the shared root (QEMU counted ${io?.wrBytes})`);
}

/** Start A then B: A ACTIVE, B STANDBY, the workload running on A only. */
async function startOneByOne(run: Run): Promise<{ active: Node; standby: Node; s: Status }> {
  run.step("power on a, then b a second later");
  const s = await up(run.t0);
  const active: Node = s.nodes.a.role === "ACTIVE" ? "a" : "b";
  const standby: Node = active === "a" ? "b" : "a";
  run.expect(active === "a", "a (priority 200) ACTIVE");
  const c = await consoles();
  const powerOn = s.nodes[active].poweredOnAt;
  const decided = firstAfter(c[active], powerOn, (e) => e.kind === "guard" && e.event === "role" && e.role === "ACTIVE");
  await waitStatus(run.t0, `workload acknowledged on ${active}`, (x) => x.nodes[active].acks >= 3, 300000);
  const c2 = await consoles();
  const firstAck = firstAfter(c2[active], powerOn, (e) => e.kind === "ack");
  if (decided) run.time("cold boot: power-on -> guard ACTIVE", decided.at - powerOn);
  if (firstAck) run.time("cold boot: power-on -> workload writing", firstAck.at - powerOn);
  const gaps = c2[standby].filter((e) => decided && e.at >= decided.at && e.at <= (firstAck?.at ?? Date.now()) && (e.event === "heartbeat-gap" || e.event === "late-heartbeat"));
  const maxGap = Math.max(0, ...gaps.map((e) => Number(/(\d+) ms/.exec(e.message)?.[1] ?? 0)));
  run.time(`longest heartbeat gap ${standby} saw across ${active}'s switch_root (0: none above ${2 * 200} ms)`, maxGap);
  await checkParked(run, standby);
  return { active, standby, s };
}

async function scenarioStartOneByOne(run: Run): Promise<void> {
  const { standby } = await startOneByOne(run);
  run.step("30 s of steady state");
  await Bun.sleep(30000);
  await checkParked(run, standby);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "still a ACTIVE, b STANDBY");
}

async function scenarioKillActive(run: Run): Promise<void> {
  const { active, standby } = await startOneByOne(run);
  run.step(`power cut on ${active}`);
  await ask({ cmd: "kill", node: active });
  const cutAt = Date.now();
  await waitStatus(run.t0, `${standby} ACTIVE with the workload writing`, (s) => s.nodes[standby].role === "ACTIVE" && s.nodes[standby].acks > 0, 300000);
  const c = (await consoles())[standby];
  const dead = firstAfter(c, cutAt, guard("peer-dead"));
  const fenceReq = firstAfter(c, cutAt, guard("fence-request"));
  const fenced = firstAfter(c, cutAt, guard("fence-confirmed"));
  const ack = firstAfter(c, cutAt, (e) => e.kind === "ack");
  run.expect(!!dead && !!fenceReq && !!fenced && !!ack, `${standby} logged peer-dead, fence-request, fence-confirmed and a workload ack`);
  run.time("failure detection: power cut -> peer declared dead", dead!.at - cutAt);
  run.time("fence: request -> confirmed", fenced!.at - fenceReq!.at);
  run.time("takeover: power cut -> workload writing on the survivor", ack!.at - cutAt);
  const roleActive = firstAfter(c, cutAt, (e) => e.kind === "guard" && e.event === "role" && e.role === "ACTIVE");
  run.expect(!!roleActive && roleActive.at >= fenced!.at, "ACTIVE only after the confirmed fence");
  await Bun.sleep(5000);
}

/** kill-active, then the survivor's own cold boot alone in the same run: what the hot standby saved. */
async function scenarioKillActiveColdBoot(run: Run): Promise<void> {
  await scenarioKillActive(run);
  run.step("power cut on b too, then b cold-boots alone (initdead, fence of the powered-off a, boot)");
  await ask({ cmd: "kill", node: "b" });
  await Bun.sleep(1000);
  const at = Date.now();
  await ask({ cmd: "on", node: "b" });
  let ack = firstAfter((await consoles()).b, at, (e) => e.kind === "ack");
  while (!ack && Date.now() - at < 400000) {
    await Bun.sleep(1000);
    ack = firstAfter((await consoles()).b, at, (e) => e.kind === "ack");
  }
  run.expect(!!ack, "a workload ack from b's cold boot within 400 s");
  run.time("survivor's cold boot alone: power-on -> workload writing", ack!.at - at);
  run.r.timings["takeover / survivor's cold boot (%)"] = Math.round((100 * (run.r.timings["takeover: power cut -> workload writing on the survivor"] ?? 0)) / (ack!.at - at));
}

async function scenarioGuardFailsSafe(run: Run): Promise<void> {
  run.step("boot a with a node name the config does not know (a broken guard)");
  await prepare(run.t0);
  const grep = async (text: string) => (await ask<{ count?: number }>({ cmd: "grep", node: "a", link: text })).count ?? 0;
  await ask({ cmd: "on", node: "a", args: "rd.clusterguard.node=nosuch" });
  const t = Date.now();
  while ((await grep("will NOT mount the shared root")) === 0) {
    run.expect(Date.now() - t < 240000, "the guard's refusal on the console within 240 s");
    await Bun.sleep(1000);
  }
  run.time("power-on -> the guard refused to continue", Date.now() - t);
  run.expect((await grep("configuration error (exit code 2)")) > 0, "the refusal names a configuration error");
  run.expect((await grep("rd.clusterguard.node: nosuch")) + (await grep("nosuch")) > 0, "the console names the bad value");
  run.step("30 s later: still stopped in the initrd");
  await Bun.sleep(30000);
  await checkParked(run, "a");
}

async function scenarioSimulStart(run: Run): Promise<void> {
  run.step("power on a and b at the same moment");
  const s = await up(run.t0, true);
  const spread = Math.abs(s.nodes.a.poweredOnAt - s.nodes.b.poweredOnAt);
  run.time("power-on spread", spread);
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "exactly one ACTIVE: a (priority 200); b STANDBY");
  const c = await consoles();
  run.expect(!c.a.some(guard("fence-request")) && !c.b.some(guard("fence-request")), "no fence when both boot together");
  await checkParked(run, "b");
}

/** Cut one or all heartbeat cables while both run: a warning, never a second writer. */
function scenarioCut(link: "serial" | "ethernet" | "all") {
  return async (run: Run): Promise<void> => {
    await startOneByOne(run);
    run.step(`cut ${link}`);
    const cutAt = Date.now();
    await ask({ cmd: "cut", link });
    await Bun.sleep(15000);
    const c = await consoles();
    const channel = link === "ethernet" ? "udp" : link === "serial" ? "serial" : "";
    run.expect(c.b.some((e) => e.at >= cutAt && e.event === "link-dead" && e.message.includes(channel ? `link ${channel}` : "link")), `b warned that ${link} is dead`);
    const s = await ask<Status>({ cmd: "status" });
    run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "no failover: the shared-disk heartbeat (and any remaining cable) still carries a's heartbeats");
    await checkParked(run, "b");
    run.step(`heal ${link}`);
    const healAt = Date.now();
    await ask({ cmd: "heal", link });
    await Bun.sleep(8000);
    const c2 = await consoles();
    run.expect(c2.b.some((e) => e.at >= healAt && e.event === "link-restored"), "b saw the link come back");
  };
}

async function scenarioHangActive(run: Run): Promise<void> {
  await startOneByOne(run);
  run.step("pause a (a hung machine: no process dies, no socket closes)");
  await ask({ cmd: "pause", node: "a" });
  const at = Date.now();
  await waitStatus(run.t0, "b ACTIVE with the workload writing", (s) => s.nodes.b.role === "ACTIVE" && s.nodes.b.acks > 0, 300000);
  const c = (await consoles()).b;
  const dead = firstAfter(c, at, guard("peer-dead"));
  const fenced = firstAfter(c, at, guard("fence-confirmed"));
  run.expect(!!dead && !!fenced, "b declared a dead and fenced it (the PDU reset the paused VM) before taking over");
  run.time("failure detection: pause -> peer declared dead", dead!.at - at);
  run.time("takeover: pause -> workload writing on b", (firstAfter(c, at, (e) => e.kind === "ack")?.at ?? Date.now()) - at);
  run.step("the reset a boots again: it must come back STANDBY and never write");
  await waitStatus(run.t0, "a back as STANDBY", (s) => s.nodes.a.role === "STANDBY", 300000);
  await checkQuietAfterReset(run, "a", "b");
}

/** A node that was ACTIVE before its reset: QEMU's counters span the whole process, so compare them over time. */
async function checkQuietAfterReset(run: Run, n: Node, active: Node): Promise<void> {
  const io = async () => (await ask<{ io: { wrBytes: number } | null }>({ cmd: "rootio", node: n })).io?.wrBytes ?? -1;
  const before = await io();
  await Bun.sleep(20000);
  run.expect((await io()) === before, `${n} wrote nothing more to the shared root after its reset`);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(!s.nodes[n].rootMounted && s.nodes[active].role === "ACTIVE", `${n} has not mounted the shared root since its reset; ${active} ACTIVE`);
}

async function scenarioFencedNodeRejoins(run: Run): Promise<void> {
  await scenarioKillActive(run);
  run.step("power a on again after its fence");
  const at = Date.now();
  await ask({ cmd: "on", node: "a" });
  await waitStatus(run.t0, "a back as STANDBY", (s) => s.nodes.a.role === "STANDBY", 300000);
  await Bun.sleep(20000);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "STANDBY" && s.nodes.b.role === "ACTIVE", "a STANDBY, b still ACTIVE: no fence loop");
  const c = await consoles();
  run.expect(!c.a.some((e) => e.at >= at && e.event === "fence-request"), "the rejoining node fenced nobody");
  await checkParked(run, "a");
}

/** The QMP level cannot answer (PDU unplugged): the poison pill fences, and the victim's clean start is honoured. */
async function scenarioPillFence(run: Run): Promise<void> {
  const { active, standby } = await startOneByOne(run);
  run.step(`unplug the PDU that powers ${active}, then cut ${active}'s power`);
  await ask({ cmd: "pdu", node: active, link: "off" });
  await ask({ cmd: "kill", node: active });
  const cutAt = Date.now();
  await waitStatus(run.t0, `${standby} ACTIVE through the poison pill`, (s) => s.nodes[standby].role === "ACTIVE" && s.nodes[standby].acks > 0, 300000);
  const c = (await consoles())[standby];
  const qmpFailed = firstAfter(c, cutAt, (e) => e.event === "fence-attempt" && e.message.startsWith("qmp: failed"));
  const pill = firstAfter(c, cutAt, (e) => e.event === "fence-attempt" && e.message.startsWith("poison-pill: confirmed"));
  run.expect(!!qmpFailed && !!pill, `${standby}: the QMP level failed, the poison-pill level confirmed`);
  const pillMs = Number(/\((\d+) ms\)$/.exec(pill?.message ?? "")?.[1] ?? 0);
  run.time("poison pill: written -> confirmed (msgwait)", pillMs);
  run.time("takeover: power cut -> workload writing on the survivor", (firstAfter(c, cutAt, (e) => e.kind === "ack")?.at ?? Date.now()) - cutAt);
  run.step(`power ${active} on again with the pill still in its slot: clean start, then the fencer clears it`);
  await ask({ cmd: "pdu", node: active, link: "on" });
  const onAt = Date.now();
  await ask({ cmd: "on", node: active });
  await waitStatus(run.t0, `${active} back as STANDBY`, (s) => s.nodes[active].role === "STANDBY", 300000);
  let cleared = firstAfter((await consoles())[active], onAt, guard("pill-cleared"));
  for (let i = 0; i < 30 && !cleared; i++) {
    await Bun.sleep(1000);
    cleared = firstAfter((await consoles())[active], onAt, guard("pill-cleared"));
  }
  const ca = (await consoles())[active];
  run.expect(!!firstAfter(ca, onAt, guard("pill")), `${active} found the pill at boot`);
  run.expect(!!cleared, `${active} saw its pill cleared by ${standby}`);
  run.expect(!!firstAfter((await consoles())[standby], onAt, guard("pill-cleared")), `${standby} cleared the pill on hearing ${active}'s new boot`);
  run.expect(!ca.some((e) => e.at >= onAt && e.event === "fence-request"), `${active} fenced nobody`);
  await Bun.sleep(10000);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes[active].role === "STANDBY" && s.nodes[standby].role === "ACTIVE", `${active} STANDBY, ${standby} ACTIVE: no fence loop`);
  await checkParked(run, active);
}

/** Wait for a console event on `n` after `since`, up to `ms`. */
async function consoleEvent(n: Node, since: number, pred: (e: { kind: string; event?: string; message: string }) => boolean, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    const e = firstAfter((await consoles())[n], since, pred);
    if (e || Date.now() > end) return e;
    await Bun.sleep(500);
  }
}

/** The ACTIVE hands over (a planned switchover or a failed service): b continues its boot without fencing a. */
async function expectHandover(run: Run, from: Node, to: Node, at: number, what: string): Promise<void> {
  await waitStatus(run.t0, `${to} ACTIVE with the workload writing`, (s) => s.nodes[to].role === "ACTIVE" && s.nodes[to].acks > 0, 300000);
  const c = await consoles();
  const frozen = firstAfter(c[from], at, (e) => e.event === "switchover" && e.message.includes("frozen"));
  run.expect(!!frozen, `${from} froze the shared root and announced STOPPED`);
  run.expect(!c[to].some((e) => e.at >= at && e.event === "fence-request"), `${to} took over without fencing ${from} (it released the role)`);
  const ack = firstAfter(c[to], at, (e) => e.kind === "ack");
  run.time(`${what} -> workload writing on ${to}`, (ack?.at ?? Date.now()) - at);
  run.step(`${from} reboots and must come back STANDBY`);
  await waitStatus(run.t0, `${from} back as STANDBY`, (s) => s.nodes[from].role === "STANDBY", 300000);
  await checkQuietAfterReset(run, from, to);
}

/** A monitored service fails once (restarted in place, no failover), then for good (failover to the peer). */
async function scenarioServiceFailure(run: Run): Promise<void> {
  await startOneByOne(run);
  await Bun.sleep(5000);
  run.step("kill the workload on a once");
  const killAt = Date.now();
  await ask({ cmd: "exec", node: "a", args: "systemctl kill -s KILL workload.service" });
  const recovered = await consoleEvent("a", killAt, (e) => e.event === "sma-recovery" && e.message.includes(": recover:"), 120000);
  run.expect(!!recovered, "a's service monitoring agent restarted the workload in place");
  const ack = await consoleEvent("a", (recovered?.at ?? killAt) + 1, (e) => e.kind === "ack", 60000);
  run.expect(!!ack, "the workload writes again on a");
  run.time("service killed -> restarted in place, writing again", (ack?.at ?? Date.now()) - killAt);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "no failover for a service that recovered");
  run.step("break the workload on a for good (a node-local fault: /run/workload-broken)");
  const breakAt = Date.now();
  await ask({ cmd: "exec", node: "a", args: "touch /run/workload-broken; systemctl kill -s KILL workload.service" });
  const esc = await consoleEvent("a", breakAt, (e) => e.event === "sma-escalate", 180000);
  run.expect(!!esc && esc.message.includes("failover"), "a's agent asked for failover once restarts were exhausted");
  await expectHandover(run, "a", "b", breakAt, "service broken for good");
}

/** `clusterguard standby` on the ACTIVE: a planned switchover that loses no acknowledged write. */
async function scenarioSwitchover(run: Run): Promise<void> {
  await startOneByOne(run);
  await Bun.sleep(5000);
  run.step("clusterguard standby on a");
  const at = Date.now();
  await ask({ cmd: "exec", node: "a", args: "clusterguard standby" });
  await expectHandover(run, "a", "b", at, "planned switchover: clusterguard standby");
}

/**
 * The ACTIVE loses every path to its peer while both run: both cables cut and its heartbeat disk failing.
 * Exactly one ACTIVE afterwards (b, after a confirmed fence), a reset (by b's fence or its own watchdog, which it
 * stops petting when it cannot read its slot), and a, booting isolated, never fences b: no fence loop.
 */
async function scenarioIsolateActive(run: Run): Promise<void> {
  await startOneByOne(run);
  run.step("cut serial and Ethernet, and fail a's heartbeat disk");
  const at = Date.now();
  await ask({ cmd: "cut", link: "all" });
  await ask({ cmd: "diskcut", node: "a" });
  run.step("b hears a nowhere: fence, then b ACTIVE; a, reset, boots isolated and must not fence b");
  await waitStatus(run.t0, "b ACTIVE with the workload writing", (s) => s.nodes.b.role === "ACTIVE" && s.nodes.b.acks > 0, 300000);
  const cb = (await consoles()).b;
  const fenced = firstAfter(cb, at, guard("fence-confirmed"));
  run.expect(!!fenced, "b fenced a (confirmed) before going ACTIVE");
  run.time("links and disk cut -> workload writing on b", (firstAfter(cb, at, (e) => e.kind === "ack")?.at ?? Date.now()) - at);
  await waitStatus(run.t0, "a back, parked", (s) => s.nodes.a.role === "STANDBY", 300000);
  const refused = await consoleEvent("a", at, (e) => e.event === "startup-fence-refused", 60000);
  run.expect(!!refused, "a, booting alone with its heartbeat disk failing, refused startup fencing");
  await Bun.sleep(20000);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "STANDBY" && s.nodes.b.role === "ACTIVE", "exactly one ACTIVE: b; a STANDBY (reset once, no fence loop)");
  run.expect(!(await consoles()).a.some((e) => e.at >= at && e.event === "fence-request"), "a never fenced b");
  await checkQuietAfterReset(run, "a", "b");
}

export const SCENARIOS: Record<string, (run: Run) => Promise<void>> = {
  "start-one-by-one": scenarioStartOneByOne,
  "kill-active": scenarioKillActiveColdBoot,
  "guard-fails-safe": scenarioGuardFailsSafe,
  "simul-start": scenarioSimulStart,
  "cut-ethernet": scenarioCut("ethernet"),
  "cut-serial": scenarioCut("serial"),
  "cut-all-links": scenarioCut("all"),
  "hang-active": scenarioHangActive,
  "fenced-node-rejoins": scenarioFencedNodeRejoins,
  "pill-fence": scenarioPillFence,
  "service-failure": scenarioServiceFailure,
  "switchover": scenarioSwitchover,
  "isolate-active": scenarioIsolateActive,
};

/** Run one scenario end to end, always shutting down and checking integrity. */
export async function runScenario(name: string, t0: number): Promise<ScenarioResult> {
  const body = SCENARIOS[name];
  if (!body) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(", ")}`);
  const run = new Run(name, t0);
  try {
    await body(run);
    run.r.pass = true;
  } catch (e) {
    run.r.pass = false;
    run.r.error = e instanceof Error ? e.message : String(e);
  }
  try {
    const ev = await ask<{ timeline: ScenarioResult["timeline"]; consoles: Record<Node, { kind: string }[]> }>({ cmd: "events" });
    run.r.timeline = ev.timeline;
    const acks = NODES.flatMap((n) => ev.consoles[n].filter((e) => e.kind === "ack")) as Parameters<typeof checkIntegrity>[0];
    run.step("shutting down both VMs");
    await down();
    run.step("integrity: e2fsck -fn, acknowledged records, one writer at a time");
    run.r.integrity = await checkIntegrity(acks);
    if (!run.r.integrity.ok) {
      run.r.pass = false;
      run.r.failedStep ??= "integrity";
      run.r.expected ??= "a clean file system, every acknowledged record present, no interleaved writers";
    }
  } catch (e) {
    run.r.pass = false;
    run.r.error = `${run.r.error ?? ""} cleanup: ${String(e)}`;
  }
  if (!run.r.pass) run.r.consoles = Object.fromEntries(NODES.map((n) => [n, tail(join(RUN, `console-${n}.log`))])) as Record<Node, string>;
  return run.r;
}

function tail(p: string): string {
  try {
    return readFileSync(p, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "";
  }
}
