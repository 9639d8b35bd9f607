// `make bench`: detection time vs keepalived, false failovers under load, cost; prints each run as it completes with
// an estimate of the time left (progress.ts), then a table, and writes bench/results.json.
//   bun bench/run.ts [--only detection|keepalived|load|cost|startup[,...]]
//   env: BENCH_RUNS (kills per signal and setting, default 20), BENCH_LOAD_SECONDS (300), BENCH_COST_SECONDS (30),
//        BENCH_STARTUP_RUNS (fresh guards timed from exec to the first heartbeat, 20),
//        BENCH_LOAD_CABLE=rt|normal (the harness's UDP relay and socat under SCHED_RR like a wire, default; or starved too)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, hostname, release } from "node:os";
import { join } from "node:path";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../src/cli/exit-codes.ts";
import { EXE } from "../test/helpers/exe.ts";
import { installInterruptHandler } from "./cleanup.ts";
import { measureCost } from "./cost.ts";
import { measureDetection, SETTINGS } from "./detection.ts";
import { ADVERT_INTS, measureKeepalived } from "./keepalived.ts";
import { masterDownMs } from "./keepalived-proc.ts";
import { loadSteps, measureLoad } from "./load.ts";
import { measureStartup } from "./startup.ts";
import { duration, Progress, type Stage } from "./progress.ts";
import { markdown, printable, type Results } from "./report.ts";

const PARTS = ["detection", "keepalived", "cost", "startup", "load"] as const;
type Part = (typeof PARTS)[number];
const RESULTS = join(import.meta.dir, "results.json");

/** The parts asked for by --only (all when absent); exits 2 on anything else. */
function parseParts(argv: string[]): Part[] {
  const i = argv.indexOf("--only");
  if (i < 0) return [...PARTS];
  const asked = (argv[i + 1] ?? "").split(",").filter(Boolean);
  const bad = asked.filter((p) => !PARTS.includes(p as Part));
  if (asked.length === 0 || bad.length) {
    console.error(
      `bench: --only expects one or more of ${PARTS.join("|")} (comma-separated), got '${argv[i + 1] ?? ""}'`,
    );
    process.exit(EXIT_USAGE);
  }
  return PARTS.filter((p) => asked.includes(p));
}

/** A positive integer from the environment, or `dflt`; exits 2 when it is something else. */
function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${name} must be a positive integer, got '${v}'`);
    process.exit(EXIT_USAGE);
  }
  return n;
}

/** A tool's version line; "not installed" (a run with --only needs neither keepalived nor stress-ng). */
function version(cmd: string[]): string {
  if (Bun.which(cmd[0]!) === null) return "not installed";
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  return `${r.stdout}${r.stderr}`.split("\n")[0]!.trim();
}

const parts = parseParts(process.argv.slice(2));
const runs = envInt("BENCH_RUNS", 20);
const loadSeconds = envInt("BENCH_LOAD_SECONDS", 300);
const costSeconds = envInt("BENCH_COST_SECONDS", 30);
const startupRuns = envInt("BENCH_STARTUP_RUNS", 20);
const cable = process.env.BENCH_LOAD_CABLE ?? "rt";
if (cable !== "rt" && cable !== "normal") {
  console.error(`bench: BENCH_LOAD_CABLE must be rt or normal, got '${cable}'`);
  process.exit(EXIT_USAGE);
}
if (!existsSync(EXE)) {
  console.error(`bench: ${EXE} is missing: run 'make build' first`);
  process.exit(EXIT_FAILURE);
}
if (process.getuid?.() !== 0 && (parts.includes("keepalived") || parts.includes("load"))) {
  console.error("bench: the keepalived part needs root (network namespaces); run as root");
  process.exit(EXIT_FAILURE);
}
installInterruptHandler();

const HOWS = ["SIGKILL", "SIGSTOP"] as const;
/** Every stage of the parts asked for, in the order they run, with a first guess of one run's length from its timers. */
function stages(): Stage[] {
  const out: Stage[] = [];
  if (parts.includes("detection"))
    for (const s of SETTINGS)
      for (const how of HOWS) {
        const t = s.timers;
        const guessMs = 2000 + Math.max(5 * t.keepalive, 300) + t.keepalive / 2 + t.deadtime + 500;
        out.push({ key: `detection ${s.name} ${how}`, runs, guessMs });
      }
  if (parts.includes("keepalived"))
    for (const adv of ADVERT_INTS)
      for (const how of HOWS)
        out.push({ key: `keepalived ${adv} ${how}`, runs, guessMs: 1000 + 2000 * adv + masterDownMs(adv) + 500 });
  if (parts.includes("cost")) out.push({ key: "cost", runs: 1, guessMs: costSeconds * 1000 + 8000 });
  if (parts.includes("startup")) out.push({ key: "startup", runs: startupRuns, guessMs: 1500 });
  if (parts.includes("load"))
    out.push({
      key: "load",
      runs: loadSteps(loadSeconds),
      guessMs: (loadSeconds * 1000 + 10000) / loadSteps(loadSeconds),
    });
  return out;
}

const say = (s: string) => console.log(s);
const t0 = Date.now();
const r: Results = {};
const progress = new Progress(stages(), say);
say(
  `bench: ${parts.join(", ")}; ${runs} runs per signal and setting${parts.includes("load") ? `, ${loadSeconds} s under load` : ""}; about ${duration(progress.guessMs)} by a first guess`,
);
say(`bench: the results go to ${RESULTS} at the end`);
if (parts.includes("detection")) {
  say("clusterguard detection time (fresh pair per run, kill a, time b's peer-dead)");
  r.detection = [];
  for (const [i, s] of SETTINGS.entries())
    r.detection.push(
      ...(await measureDetection(s, runs, 17960 + i, say, (how, what, counted) =>
        progress.run(`detection ${s.name} ${how}`, what, counted),
      )),
    );
}
if (parts.includes("keepalived")) {
  say(
    "keepalived detection time (namespaces cgb-ka-1/2, fresh pair per run, kill the MASTER, time the BACKUP's notify_master)",
  );
  r.keepalived = await measureKeepalived(runs, say, (adv, how, what, counted) =>
    progress.run(`keepalived ${adv} ${how}`, what, counted),
  );
}
if (parts.includes("cost")) {
  say(`idle cost over ${costSeconds} s`);
  r.cost = await measureCost(costSeconds, 17963, say);
  progress.run(
    "cost",
    r.cost.nodes
      .map(
        (n) => `${n.node} ${n.role} ${n.cpuPercent.toFixed(2)}% CPU, ${((n.memory.VmRSS ?? 0) / 1024).toFixed(1)} MiB`,
      )
      .join("; "),
  );
}
if (parts.includes("startup")) {
  say(`start-up: ${startupRuns} fresh guards, exec -> first heartbeat`);
  r.startup = await measureStartup(startupRuns, 17965, (what, counted) => progress.run("startup", what, counted));
}
if (parts.includes("load")) {
  say(`aggressive setting under load for ${loadSeconds} s`);
  r.load = await measureLoad(loadSeconds, 17964, say, cable, undefined, (what) => progress.run("load", what));
}
const totalSeconds = Math.round((Date.now() - t0) / 1000);

const cpu = cpus()[0]?.model ?? "unknown CPU";
const meta = {
  date: new Date().toISOString(),
  host: `${availableParallelism()} CPUs (${cpu}), Linux ${release()}`,
  hostname: hostname(),
  bun: Bun.version,
  keepalived: version(["keepalived", "--version"]),
  stressNg: version(["stress-ng", "--version"]),
  runs,
  totalSeconds,
  parts,
};
// --only keeps the other parts of an earlier run in results.json (each part says when it ran).
const earlier =
  parts.length < PARTS.length && existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, "utf8")) as Record<string, unknown>)
    : {};
const ranAt = Object.fromEntries(parts.map((p) => [p, meta.date]));
writeFileSync(
  RESULTS,
  `${JSON.stringify({ ...earlier, ...r, meta, ranAt: { ...((earlier.ranAt as object) ?? {}), ...ranAt } }, null, 2)}\n`,
);

say("");
say(printable(r));
say("");
say("---- Markdown for README ----");
say(markdown(r, { date: meta.date.slice(0, 10), host: meta.host }));
say("----");
say(`total ${duration(totalSeconds * 1000)}; results in ${RESULTS}`);
process.exit(EXIT_OK);
