// `qemu/lab chaos`: the running pair under random faults from a seeded schedule, settled after each, checked all along.
import { writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { ConsoleEvent } from "../console.ts";
import { ask } from "../control.ts";
import { checkIntegrity, type Integrity } from "../integrity.ts";
import { LAB_TIMERS } from "../lab-config.ts";
import { down, type Status, up } from "../lifecycle.ts";
import { NODES, type Node, peerOf, RUN } from "../paths.ts";
import { reportDir } from "../report.ts";
import { Run, type ScenarioResult } from "../scenario-kit.ts";
import { inInitrd } from "../scenarios/agent.ts";
import { typeAt } from "../scenarios/checks.ts";
import { copyPartition, PARTS } from "../shared-disk.ts";
import { progress } from "../sh.ts";
import { timelineSvg } from "../timeline-svg.ts";
import { describe, type Expectation, type Fault, faultSchedule, expectFailover } from "./schedule.ts";
import { byKind, type Counts, type FaultOutcome, failoverCounts, histogramSvg, summary, writerRuns } from "./stats.ts";

/** Bounds: a failover must show within FAILOVER_BOUND; the pair must settle (one ACTIVE writing, one STANDBY) within SETTLE_BOUND. */
const FAILOVER_BOUND = 240000;
const SETTLE_BOUND = 480000;
/** After a fault that must not fail over: how long to keep watching for a (false) failover. */
const OBSERVE_MS = 20000;
/** Quiet time between a settled pair and the next fault (the agent's first checks, the links' warnings). */
const QUIET_MS = 10000;

interface LiveCheck {
  at: number;
  ms: number;
  records: number;
  judged: number;
  missing: string[];
  returned: string[];
  error?: string;
}

interface SoakReport {
  seed: number;
  minutes: number;
  deadtimeMs: number;
  startedAt: string;
  endedAt?: string;
  faults: FaultOutcome[];
  byKind: Record<string, number>;
  failoverTimes: { kind: string; ms: number }[];
  failoverSummary: ReturnType<typeof summary>;
  counts: Counts;
  /** Samples (1 s apart) when both VMs ran and both consoles' last role was ACTIVE: reported, not counted. */
  bothActiveSamples: number;
  /** Writers that came back after another wrote, from the acknowledgements on the consoles, in time order. */
  consoleReturnedWriters: string[];
  liveChecks: LiveCheck[];
  final?: Integrity;
  aborted?: string;
  pass?: boolean;
  timeline: ScenarioResult["timeline"];
}

const status = () => ask<Status>({ cmd: "status" });
type Events = { timeline: ScenarioResult["timeline"]; consoles: Record<Node, ConsoleEvent[]> };
/** Every event so far (a big answer late in a soak): asked again twice before giving up. */
async function events(): Promise<Events> {
  for (let i = 0; ; i++) {
    try {
      return await ask<Events>({ cmd: "events" }, 60000);
    } catch (e) {
      if (i >= 2) throw e;
      await Bun.sleep(2000);
    }
  }
}

/** The settled pair, if exactly one node is ACTIVE and the other STANDBY. */
function pairOf(s: Status): { active: Node; standby: Node } | null {
  const act = NODES.filter((n) => s.nodes[n].role === "ACTIVE");
  if (act.length !== 1) return null;
  const active = act[0]!;
  return s.nodes[peerOf(active)].role === "STANDBY" ? { active, standby: peerOf(active) } : null;
}

/** Wait (polling) until `pred` holds or `ms` ran out; returns whether it held. */
async function until(pred: (s: Status) => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred(await status())) return true;
    await Bun.sleep(1000);
  }
  return false;
}

/** The boot tag (the workload's boot id) of `n`'s last acknowledged record. */
const bootOf = (s: Status, n: Node) => /boot=(\w+)/.exec(s.nodes[n].lastAck ?? "")?.[1] ?? "?";

export async function chaos(opts: { minutes: number; seed: number; maxFaults?: number }, t0: number): Promise<boolean> {
  const dir = reportDir();
  const deadtimeMs = LAB_TIMERS.deadtime;
  const schedule = faultSchedule(opts.seed, opts.maxFaults ?? 1000, deadtimeMs);
  const run = new Run("chaos", t0);
  const rep: SoakReport = {
    seed: opts.seed,
    minutes: opts.minutes,
    deadtimeMs,
    startedAt: new Date().toISOString(),
    faults: [],
    byKind: {},
    failoverTimes: [],
    failoverSummary: null,
    counts: { splitBrains: 0, lostRecords: 0, falseFailovers: 0, missedFailovers: 0 },
    bothActiveSamples: 0,
    consoleReturnedWriters: [],
    liveChecks: [],
    timeline: [],
  };
  const kills = new Map<string, number[]>();
  const save = () => {
    rep.byKind = byKind(rep.faults);
    rep.failoverTimes = rep.faults
      .filter((f) => f.observed && f.toActiveMs !== undefined)
      .map((f) => ({ kind: f.kind, ms: f.toActiveMs! }));
    rep.failoverSummary = summary(rep.failoverTimes.map((x) => x.ms));
    Object.assign(rep.counts, failoverCounts(rep.faults));
    writeFileSync(join(dir, "chaos.json"), JSON.stringify(rep, null, 2));
    writeFileSync(
      join(dir, "chaos-failover-times.svg"),
      histogramSvg(`chaos seed ${opts.seed}: fault -> new ACTIVE`, rep.failoverTimes),
    );
    writeFileSync(
      join(dir, "chaos-timeline.svg"),
      timelineSvg({
        name: `chaos seed ${opts.seed}`,
        pass: rep.pass ?? true,
        steps: [],
        timings: {},
        timeline: rep.timeline,
      }),
    );
  };
  progress(t0, `chaos: seed ${opts.seed}, ${opts.minutes} min of faults; report in ${dir}`);
  run.step("boot the pair: a ACTIVE, b STANDBY, the workload writing");
  await up(t0);
  // The disk checks below run from this process: below the VMs, so they do not stall the vCPUs (false failovers).
  setPriority(19);
  if (!(await until((s) => !!pairOf(s) && s.nodes[pairOf(s)!.active].acks >= 3, 300000)))
    throw new Error("the pair did not start: no ACTIVE writing within 300 s");

  // Both ACTIVE at once while both run: sampled all along (a console's last role may lag a reset by seconds).
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      try {
        const s = await status();
        if (NODES.every((n) => s.nodes[n].role === "ACTIVE" && s.nodes[n].vm === "running")) rep.bothActiveSamples++;
      } catch {}
      await Bun.sleep(1000);
    }
  })();

  const confirmedLost = new Set<string>();
  let lastMissing = new Set<string>();
  /** Check what can be checked while the pair runs: the consoles' writers, and a copy of the shared root. */
  const checkpoint = async () => {
    const ev = await events();
    rep.timeline = ev.timeline;
    const acks = NODES.flatMap((n) => ev.consoles[n].filter((e) => e.kind === "ack"));
    rep.consoleReturnedWriters = writerRuns(acks).returned;
    const at = Date.now();
    const lc: LiveCheck = { at, ms: 0, records: 0, judged: 0, missing: [], returned: [] };
    try {
      // Acknowledged records older than a few seconds must be on a copy of the live disk, after its journal replay.
      const img = await copyPartition(join(RUN, "shared.img"), PARTS[0], join(RUN, "chaos-live-p1.img"));
      await execa("e2fsck", ["-E", "journal_only", "-y", img], { reject: false });
      const cat = await execa("debugfs", ["-R", "cat /var/lib/workload/records", img], { reject: false });
      const lines = cat.stdout.split("\n").filter((l) => l.startsWith("node="));
      const have = new Set(lines);
      const judged = acks.filter((a) => a.at < at - 5000).map((a) => `node=${a.node} boot=${a.boot} n=${a.n}`);
      lc.records = lines.length;
      lc.judged = judged.length;
      lc.missing = judged.filter((r) => !have.has(r));
      lc.returned = writerRuns(
        lines.map((l, i) => ({ at: i, node: /node=(\w+)/.exec(l)?.[1], boot: /boot=(\w+)/.exec(l)?.[1] })),
      ).returned;
      // A live copy can be torn: a record counts as lost only when the next copy misses it too (or the final check).
      for (const m of lc.missing) if (lastMissing.has(m)) confirmedLost.add(m);
      lastMissing = new Set(lc.missing);
    } catch (e) {
      lc.error = String(e);
    }
    lc.ms = Date.now() - at;
    rep.liveChecks.push(lc);
    progress(
      t0,
      `chaos: live check: ${lc.records} records on disk, ${lc.judged} acknowledged judged, ${lc.missing.length} missing, writers returned: ${lc.returned.length} (console: ${rep.consoleReturnedWriters.length}) (${lc.ms} ms)${lc.error ? ` ERROR ${lc.error}` : ""}`,
    );
  };

  /** Power on a VM a fault left off, resume one left paused; then wait for one ACTIVE writing and one STANDBY. */
  const settle = async (bound: number): Promise<boolean> => {
    const end = Date.now() + bound;
    while (Date.now() < end) {
      const s = await status();
      for (const n of NODES) {
        if (s.nodes[n].vm === "stopped") {
          progress(t0, `chaos: ${n} is off: power on`);
          await ask({ cmd: "on", node: n });
        } else if (s.nodes[n].vm === "paused") await ask({ cmd: "resume", node: n });
      }
      const p = pairOf(s);
      if (p) {
        await Bun.sleep(3000);
        const s2 = await status();
        if (pairOf(s2)?.active === p.active && s2.nodes[p.active].acks > s.nodes[p.active].acks) return true;
        continue;
      }
      await Bun.sleep(1000);
    }
    return false;
  };

  const deadline = Date.now() + opts.minutes * 60000;
  let aborted: string | undefined;
  try {
    for (const [i, f] of schedule.entries()) {
      if (Date.now() >= deadline) break;
      const s0 = await status();
      const p = pairOf(s0);
      if (!p) {
        aborted = `the pair was not settled before fault ${i + 1}`;
        break;
      }
      const { active, standby } = p;
      const notes: string[] = [];
      let at = Date.now();
      let expected: Expectation = expectFailover(f, at);
      if (f.kind === "service-kill") {
        const key = `${active}:${bootOf(s0, active)}`;
        expected = expectFailover(f, at, kills.get(key) ?? []);
        kills.set(key, [...(kills.get(key) ?? []), at]);
      }
      run.step(
        `fault ${i + 1}: ${describe(f)} (a ${s0.nodes.a.role}, b ${s0.nodes.b.role}; expected: ${expected === "either" ? "either" : expected ? "failover" : "no failover"})`,
      );
      const failedOver = () =>
        until(
          (s) => s.nodes[standby].role === "ACTIVE" && s.nodes[standby].acks > s0.nodes[standby].acks,
          FAILOVER_BOUND,
        );
      try {
        at = await inject(f, active, standby, run, notes);
        if (expected === true) {
          if (!(await failedOver())) notes.push(`no failover within ${FAILOVER_BOUND / 1000} s`);
        } else await Bun.sleep(f.kind === "service-kill" ? 30000 : OBSERVE_MS);
        // The node the fault powered off boots again (settle powers on any VM that is off).
      } catch (e) {
        notes.push(`injection failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const settleStart = Date.now();
      let settled = await settle(SETTLE_BOUND);
      if (!settled) {
        notes.push(`not settled within ${SETTLE_BOUND / 1000} s`);
        settled = await settle(SETTLE_BOUND / 2);
      }
      const ev = await events();
      const c = ev.consoles[standby];
      const became = c.find((e) => e.at >= at && e.kind === "guard" && e.event === "role" && e.role === "ACTIVE");
      const wrote = c.find((e) => e.at >= (became?.at ?? at) && e.kind === "ack");
      const fenced = c.filter(
        (e) => e.at >= at && e.kind === "guard" && /^fence-(attempt|confirmed)$/.test(e.event ?? ""),
      );
      if (fenced.length)
        notes.push(`${standby}: ${fenced.map((e) => `${e.event}: ${e.message}`).join("; ")}`.slice(0, 400));
      if (f.kind === "service-kill") {
        // The agent's answer on the ACTIVE: a restart in place, or (restarts exhausted) the escalation to failover.
        const sma = ev.consoles[active].find(
          (e) => e.at >= at && (e.event === "sma-recovery" || e.event === "sma-escalate"),
        );
        notes.push(
          sma
            ? `${active}: ${sma.event}: ${sma.message}`.slice(0, 200)
            : `${active}: no sma-recovery/sma-escalate seen`,
        );
      }
      const o: FaultOutcome = {
        i: i + 1,
        kind: f.kind,
        what: describe(f),
        at,
        active,
        standby,
        expected,
        observed: !!became,
        ...(became ? { toActiveMs: became.at - at } : {}),
        ...(wrote ? { toWritingMs: wrote.at - at } : {}),
        settled,
        settleMs: Date.now() - settleStart,
        notes,
      };
      rep.faults.push(o);
      const verdict =
        o.expected === o.observed || o.expected === "either"
          ? "as expected"
          : o.observed
            ? "FALSE FAILOVER"
            : "MISSED FAILOVER";
      progress(
        t0,
        `chaos: fault ${o.i} ${o.kind}: ${o.observed ? `failover to ${standby}${o.toActiveMs !== undefined ? ` in ${(o.toActiveMs / 1000).toFixed(1)} s` : ""}` : "no failover"} (${verdict})${settled ? "" : ", NOT SETTLED"}${notes.length ? `; ${notes.join("; ")}` : ""}`,
      );
      await checkpoint();
      save();
      if (!settled) {
        aborted = `fault ${o.i} (${o.kind}): the pair did not settle`;
        break;
      }
      await Bun.sleep(QUIET_MS);
    }
  } catch (e) {
    // A harness failure still ends with the final checks of what ran so far.
    aborted = `harness error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500);
    progress(t0, `chaos: ${aborted}`);
  }
  watching = false;
  await watcher;
  rep.aborted = aborted;
  run.step("the soak is over: final events, both VMs down, the strict integrity check");
  const ev = await events();
  rep.timeline = ev.timeline;
  const acks = NODES.flatMap((n) => ev.consoles[n].filter((e) => e.kind === "ack"));
  rep.consoleReturnedWriters = writerRuns(acks).returned;
  await down();
  rep.final = await checkIntegrity(acks as Parameters<typeof checkIntegrity>[0]);
  const diskReturned = new Set<string>();
  for (const [i, w] of rep.final.writers.entries()) if (rep.final.writers.indexOf(w) < i) diskReturned.add(w);
  for (const m of rep.final.missing) confirmedLost.add(m);
  rep.counts.lostRecords = confirmedLost.size;
  rep.counts.splitBrains = Math.max(
    rep.consoleReturnedWriters.length,
    diskReturned.size,
    ...rep.liveChecks.map((l) => l.returned.length),
  );
  rep.endedAt = new Date().toISOString();
  save();
  const c = rep.counts;
  rep.pass =
    !aborted &&
    rep.faults.every((f) => f.settled) &&
    c.splitBrains === 0 &&
    c.lostRecords === 0 &&
    c.falseFailovers === 0 &&
    c.missedFailovers === 0 &&
    rep.final.fsck.clean &&
    rep.final.others.every((o) => o.clean);
  save();
  printSummary(rep, dir);
  return rep.pass;
}

/** Inject one fault; returns the moment it took effect (for admin actions: when the command was typed). */
async function inject(f: Fault, active: Node, standby: Node, run: Run, notes: string[]): Promise<number> {
  const at = Date.now();
  switch (f.kind) {
    case "power-cut-active":
      await ask({ cmd: "kill", node: active });
      return at;
    case "power-cut-standby":
      await ask({ cmd: "kill", node: standby });
      await Bun.sleep(f.offMs);
      await ask({ cmd: "on", node: standby });
      return at;
    case "pause-active":
      await ask({ cmd: "pause", node: active });
      await Bun.sleep(f.ms);
      await ask({ cmd: "resume", node: active });
      return at;
    case "cut":
      await ask({ cmd: "cut", link: f.link });
      await Bun.sleep(f.holdMs);
      await ask({ cmd: "heal", link: f.link });
      return at;
    case "garbage-serial":
      for (const b of f.bursts) {
        const r = await ask<{ error?: string }>({
          cmd: "garbage",
          node: f.to === "active" ? active : standby,
          args: Buffer.from(b).toString("hex"),
        });
        if (r.error) notes.push(r.error);
        await Bun.sleep(500);
      }
      return at;
    case "fence-device-off":
      await ask({ cmd: "pdu", node: active, link: "off" });
      if (f.powerCut) await ask({ cmd: "kill", node: active });
      await Bun.sleep(f.holdMs);
      await ask({ cmd: "pdu", node: active, link: "on" });
      return at;
    case "service-kill":
      return typeAt(run, active, "systemctl kill -s KILL workload.service");
    case "admin-standby":
      return typeAt(run, active, "clusterguard standby");
    case "admin-takeover": {
      // An ACTIVE whose boot has not finished has no agent to hand over yet: an admin asks again a little later.
      let t = Date.now();
      let tk = await inInitrd(standby, "clusterguard takeover", 130000);
      for (let i = 0; i < 6 && tk.exitCode !== 0 && /boot has not finished/.test(tk.output ?? ""); i++) {
        await Bun.sleep(10000);
        t = Date.now();
        tk = await inInitrd(standby, "clusterguard takeover", 130000);
      }
      if (tk.exitCode !== 0) notes.push(`takeover refused: ${(tk.error ?? tk.output ?? "").slice(-300)}`);
      return t;
    }
  }
}

function printSummary(rep: SoakReport, dir: string): void {
  const sec = (ms?: number) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`);
  const lines = [
    `=== chaos soak: seed ${rep.seed}, ${rep.minutes} min, ${rep.faults.length} faults ${rep.pass ? "PASSED" : "FAILED"}${rep.aborted ? ` (aborted: ${rep.aborted})` : ""}`,
    "  #  fault                                         expected     observed   -> ACTIVE  -> writing  settled",
  ];
  for (const f of rep.faults)
    lines.push(
      `${String(f.i).padStart(3)}  ${f.what.slice(0, 44).padEnd(44)}  ${String(f.expected === "either" ? "either" : f.expected ? "failover" : "none").padEnd(11)}  ${(f.observed ? "failover" : "none").padEnd(9)}  ${sec(f.toActiveMs).padStart(8)}  ${sec(f.toWritingMs).padStart(9)}  ${f.settled ? `yes ${sec(f.settleMs)}` : "NO"}${f.notes.length ? `  [${f.notes.join("; ").slice(0, 160)}]` : ""}`,
    );
  lines.push(
    `faults by kind: ${Object.entries(rep.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  const s = rep.failoverSummary;
  lines.push(
    s
      ? `failover (fault -> new ACTIVE): n=${s.n}, min ${sec(s.min)}, median ${sec(s.median)}, max ${sec(s.max)}`
      : "no failovers",
  );
  const c = rep.counts;
  lines.push(
    `split brains ${c.splitBrains}, lost acknowledged records ${c.lostRecords}, false failovers ${c.falseFailovers}, missed failovers ${c.missedFailovers}; both-ACTIVE samples ${rep.bothActiveSamples}`,
  );
  const fi = rep.final;
  if (fi)
    lines.push(
      `final: fsck ${fi.fsck.clean ? "clean" : "NOT clean"}${fi.others.map((o) => ` (${o.mount} ${o.clean ? "clean" : "NOT clean"})`).join("")}, ${fi.records} records, ${fi.acked} acknowledged, ${fi.missing.length} missing, ${fi.writers.length} writers${fi.interleaved ? " INTERLEAVED" : ""}`,
    );
  const live = rep.liveChecks;
  lines.push(
    `live checks: ${live.length}, ${live.filter((l) => l.missing.length).length} with a record missing (torn copy unless the next one agrees), ${live.filter((l) => l.error).length} errors`,
  );
  lines.push(`report: ${join(dir, "chaos.json")}; ${dir}/chaos-failover-times.svg; ${dir}/chaos-timeline.svg`);
  const t0 = rep.timeline[0]?.at ?? 0;
  writeFileSync(
    join(dir, "chaos-timeline.txt"),
    rep.timeline
      .filter((e) =>
        /^role |fence|PDU|power|paused|resumed|cut |heal |garbage|self-fence|mounted|lab (exec|initrd)/.test(e.what),
      )
      .map((e) => `+${((e.at - t0) / 1000).toFixed(1).padStart(7)} s  ${e.node}  ${e.what.slice(0, 160)}`)
      .join("\n")
      .concat("\n"),
  );
  const text = lines.join("\n");
  writeFileSync(join(dir, "chaos.txt"), `${text}\n`);
  console.log(`\n${text}`);
}
