// The printed table and the README Markdown block, from one run's results.
import type { CostResult } from "./cost.ts";
import type { DetectionResult } from "./detection.ts";
import type { KeepalivedResult } from "./keepalived.ts";
import type { LoadResult } from "./load.ts";
import { describeWindow } from "./stall-probe.ts";
import type { StartupResult } from "./startup.ts";
import { fmt, type Summary, summarize } from "./stats.ts";

/** Whatever parts ran. */
export interface Results {
  detection?: DetectionResult[];
  keepalived?: KeepalivedResult[];
  load?: LoadResult;
  cost?: CostResult;
  startup?: StartupResult;
}

/** One row of the side-by-side detection table. */
interface Row {
  tool: string;
  setting: string;
  deadMs: number;
  how: string;
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
}

/** keepalived advert_int that is compared with each clusterguard setting. */
const COMPARABLE: Record<string, number> = { aggressive: 0.1, default: 1 };

function rows(r: Results): Row[] {
  const out: Row[] = [];
  for (const setting of ["aggressive", "default"] as const) {
    for (const d of r.detection?.filter((x) => x.setting === setting) ?? []) {
      out.push({
        tool: "clusterguard",
        setting: `${setting} (keepalive ${d.timers.keepalive})`,
        deadMs: d.timers.deadtime,
        how: d.how,
        ...d.summary,
      });
    }
    for (const k of r.keepalived?.filter((x) => x.advertInt === COMPARABLE[setting]) ?? []) {
      out.push({
        tool: "keepalived",
        setting: `advert_int ${k.advertInt}`,
        deadMs: k.masterDownMs,
        how: k.how,
        ...k.summary,
      });
    }
  }
  return out;
}

/** clusterguard median / keepalived median, per comparable setting and signal. */
export function ratios(
  r: Results,
): { setting: string; advertInt: number; how: string; cg: number; ka: number; ratio: number }[] {
  const out = [];
  for (const d of r.detection ?? []) {
    const adv = COMPARABLE[d.setting]!;
    const k = r.keepalived?.find((x) => x.advertInt === adv && x.how === d.how);
    if (k && k.summary.n > 0 && d.summary.n > 0)
      out.push({
        setting: d.setting,
        advertInt: adv,
        how: d.how,
        cg: d.summary.median,
        ka: k.summary.median,
        ratio: d.summary.median / k.summary.median,
      });
  }
  return out;
}

function table(head: string[], body: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(" | ")} |`;
  return [line(head), `|${w.map((x) => "-".repeat(x + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

const mib = (kb: number | undefined) => ((kb ?? 0) / 1024).toFixed(1);

/** The full human table, every figure of the run. */
export function printable(r: Results): string {
  const parts: string[] = [];
  const rs = rows(r);
  if (rs.length) {
    parts.push(
      "Failure detection: ms from kill -9 / SIGSTOP of the ACTIVE (MASTER) to the STANDBY (BACKUP) declaring it dead\n(p99 is the nearest rank: the largest sample when runs < 100)",
    );
    parts.push(
      table(
        ["tool", "setting", "dead interval ms", "signal", "runs", "min", "median", "p99", "max", "median / dead"],
        rs.map((x) => [
          x.tool,
          x.setting,
          fmt(x.deadMs),
          x.how,
          String(x.n),
          fmt(x.min),
          fmt(x.median, 1),
          fmt(x.p99),
          fmt(x.max),
          `${((100 * x.median) / x.deadMs).toFixed(0)}%`,
        ]),
      ),
    );
    const fails = [
      ...(r.detection ?? []).flatMap((d) => d.failures.map((f) => `clusterguard ${d.setting} ${d.how}: ${f}`)),
      ...(r.keepalived ?? []).flatMap((k) => k.failures.map((f) => `keepalived ${k.advertInt} ${k.how}: ${f}`)),
    ];
    if (fails.length) parts.push(`failed runs (excluded):\n${fails.map((f) => `  ${f}`).join("\n")}`);
  }
  const q = ratios(r);
  if (q.length) {
    parts.push("clusterguard median / keepalived median (comparable settings)");
    parts.push(
      table(
        ["clusterguard", "keepalived", "signal", "clusterguard ms", "keepalived ms", "ratio"],
        q.map((x) => [x.setting, `advert_int ${x.advertInt}`, x.how, fmt(x.cg, 1), fmt(x.ka, 1), x.ratio.toFixed(2)]),
      ),
    );
  }
  const logLag = (r.keepalived ?? []).flatMap((k) =>
    k.samples.filter((s) => s.logSeenMs !== null).map((s) => s.detectMs - s.logSeenMs!),
  );
  if (logLag.length)
    parts.push(
      `keepalived: notify_master stamp minus "Entering MASTER STATE" line read from stdout: median ${fmt(summarize(logLag).median, 1)} ms (the notify script's fork+exec)`,
    );
  if (r.load) {
    const l = r.load;
    const kv = (m: Record<string, number>) =>
      Object.entries(m)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none";
    parts.push(
      `False failovers under load (aggressive setting, ${l.seconds} s, ${l.stressCommand.slice(0, -3).join(" ")}, nice 0)`,
    );
    parts.push(
      table(
        ["figure", "value"],
        [
          ["false peer-dead (target 0)", String(l.falsePeerDead.length)],
          ["link-late warnings", `${Object.values(l.linkLate).reduce((a, b) => a + b, 0)} (${kv(l.linkLate)})`],
          ["link-dead", `${Object.values(l.linkDead).reduce((a, b) => a + b, 0)} (${kv(l.linkDead)})`],
          ["peer-late (all links late)", String(l.peerLate)],
          ["peer-lost on the ACTIVE", String(l.peerLost)],
          ["pair restarts", String(l.restarts)],
          ["guard scheduling", l.guardSched],
          ["harness cable", l.cable],
          ["stress-ng ran", `${l.stressSeconds.toFixed(0)} s; loadavg ${l.loadavg}`],
        ],
      ),
    );
    if (l.falsePeerDead.length) {
      const silent = summarize(l.falsePeerDead.map((f) => Number(f.silentMs)).filter((x) => !Number.isNaN(x)));
      const stalled = l.falsePeerDead.filter((f) => f.standbyStalled).length;
      parts.push(
        `false peer-dead: silence min ${fmt(silent.min)} / median ${fmt(silent.median)} / max ${fmt(silent.max)} ms; ` +
          `${stalled} of ${l.falsePeerDead.length} with every link-late logged in the same tick as the peer-dead (the STANDBY itself did not run between warntime and deadtime)`,
      );
      for (const f of l.falsePeerDead.slice(0, 3)) {
        parts.push(`  false peer-dead ${f.ts}: ${f.message}\n${f.precededBy.map((p) => `    after ${p}`).join("\n")}`);
        if (f.active) parts.push(`    the ACTIVE's main thread in the second before: ${describeWindow(f.active)}`);
        if (f.standby) parts.push(`    the STANDBY's: ${describeWindow(f.standby)}`);
        if (f.activeSelfStalls?.length) parts.push(`    the ACTIVE's self-stalls: ${f.activeSelfStalls.join(", ")} ms`);
      }
      if (l.falsePeerDead.length > 3) parts.push(`  (${l.falsePeerDead.length - 3} more in bench/results.json)`);
    }
  }
  if (r.cost) {
    const c = r.cost;
    parts.push(`Cost of an idle guard (keepalive ${c.keepaliveMs} ms on ${c.channels.join(", ")}, ${c.seconds} s)`);
    parts.push(
      table(
        ["node", "role", "CPU %", "VmRSS MiB", "RssAnon MiB", "RssFile MiB", "VmHWM MiB", "threads", "scheduling"],
        c.nodes.map((n) => [
          n.node,
          n.role,
          n.cpuPercent.toFixed(2),
          mib(n.memory.VmRSS),
          mib(n.memory.RssAnon),
          mib(n.memory.RssFile),
          mib(n.memory.VmHWM),
          String(n.memory.Threads ?? "-"),
          n.sched,
        ]),
      ),
    );
    parts.push(`dist/clusterguard: ${c.exeBytes} bytes (${(c.exeBytes / 2 ** 20).toFixed(1)} MiB)`);
  }
  if (r.startup) {
    const u = r.startup;
    const row = (what: string, x: Summary) => [what, fmt(x.min), fmt(x.median), fmt(x.p99), fmt(x.max), String(x.n)];
    parts.push(`Start-up of a guard (ms from just before the exec; ${u.runs} runs, host mode, three links, no peer)`);
    parts.push(
      table(
        ["", "min", "median", "p99", "max", "n"],
        [
          row("exec -> first heartbeat on the wire (UDP)", u.firstHeartbeat),
          row("exec -> its start line read", u.startLog),
          row("clusterguard --version: exec -> exit", u.versionExit),
        ],
      ),
    );
    if (u.failures.length) parts.push(`runs not counted: ${u.failures.join("; ")}`);
  }
  return parts.join("\n\n");
}

/** The short block of latest figures for README. */
export function markdown(r: Results, meta: { date: string; host: string }): string {
  const out = [`Latest \`make bench\` (${meta.date}, ${meta.host}):`, ""];
  const rs = rows(r);
  if (rs.length) {
    out.push(
      "| failure detection | dead interval | kill -9 median (p99) | SIGSTOP median (p99) |",
      "|---|---|---|---|",
    );
    const keys = [...new Set(rs.map((x) => `${x.tool} ${x.setting}`))];
    for (const key of keys) {
      const k = rs.filter((x) => `${x.tool} ${x.setting}` === key);
      const cell = (how: string) => {
        const x = k.find((y) => y.how === how);
        return x ? `${fmt(x.median)} ms (${fmt(x.p99)})` : "-";
      };
      out.push(`| ${key} | ${fmt(k[0]!.deadMs)} ms | ${cell("SIGKILL")} | ${cell("SIGSTOP")} |`);
    }
    out.push("");
  }
  for (const q of ratios(r))
    out.push(
      `- clusterguard ${q.setting} / keepalived advert_int ${q.advertInt}, ${q.how}: median ratio ${q.ratio.toFixed(2)}`,
    );
  if (r.load) {
    const l = r.load;
    const late = Object.values(l.linkLate).reduce((a, b) => a + b, 0);
    out.push(
      `- under load (${l.seconds} s, stress-ng cpu+io+vm, aggressive timers${l.cable.includes("SCHED_RR") ? ", harness links at RT priority" : ""}): ${l.falsePeerDead.length} false failovers, ${late} link-late warnings`,
    );
  }
  if (r.cost) {
    const c = r.cost;
    const cpu = c.nodes.map((n) => n.cpuPercent.toFixed(1)).join(" / ");
    const rss = c.nodes.map((n) => mib(n.memory.VmRSS)).join(" / ");
    out.push(
      `- idle guard at 10 Hz on 3 channels (ACTIVE / STANDBY): ${cpu} % CPU, ${rss} MiB RSS; executable ${(c.exeBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  }
  if (r.startup) {
    const u = r.startup;
    out.push(
      `- start-up, exec -> first heartbeat on the wire: median ${fmt(u.firstHeartbeat.median)} ms (max ${fmt(u.firstHeartbeat.max)}, ${u.firstHeartbeat.n} runs); \`clusterguard --version\` exec -> exit ${fmt(u.versionExit.median)} ms`,
    );
  }
  return out.join("\n");
}
