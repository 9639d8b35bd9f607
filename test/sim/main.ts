// make sim: run simulated schedules of the real runtime under random faults; print the rate, the simulated time
// covered and the faults injected by kind. On a violation: the seed, a shrunk plan and the timeline, exit 1.
//   bun test/sim/main.ts [--seed S] [--count N] [--minutes M] [--start S] [--jobs J] [--max-faults F] [--progress SECONDS]
// --jobs J runs J processes; process j takes the seeds start + j, start + j + J, ... (--stride J --offset j).
import { type Plan, planFor, runPlan, shrink } from "./schedule.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const maxFaults = opt("max-faults", 6);
/** How often a run prints its progress on stderr. */
const PROGRESS_MS = opt("progress", 600) * 1000;

async function replay(seed: number): Promise<number> {
  const plan = planFor(seed, maxFaults);
  console.log(`seed ${seed}: fencing ${plan.fencing}, B on at ${plan.bStartsAt} ms, ${plan.faults.length} faults`);
  for (const f of plan.faults) console.log(`  ${f.at} ms ${f.kind} on ${f.side === 0 ? "A" : "B"} (${f.ms} ms)`);
  const o = await runPlan(plan);
  console.log(o.timeline.join("\n"));
  console.log(o.ok ? `seed ${seed}: ok (${o.events} events, ${o.simMs} ms simulated)` : `seed ${seed}: ${o.violation}`);
  return o.ok ? 0 : 1;
}

async function many(start: number, count: number, minutes: number, stride = 1): Promise<number> {
  const t0 = performance.now();
  const deadline = minutes > 0 ? t0 + minutes * 60_000 : Number.POSITIVE_INFINITY;
  const faults: Record<string, number> = {};
  let simMs = 0;
  let events = 0;
  let n = 0;
  let shown = t0;
  // SIGINT or SIGTERM ends the run after the schedule in progress, with the summary of what it covered.
  let interrupted = false;
  const stop = () => {
    interrupted = true;
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let seed = start;
  // An error of the simulation itself (a throw, or a promise rejected with nobody waiting on it, which surfaces on
  // the next turn of the event loop, in the schedule's own turn) ends the run with the seed that replays it.
  const harnessError = (e: unknown) => {
    console.log(`HARNESS ERROR seed ${seed}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    console.log(`replay: make sim SEED=${seed}`);
    process.exit(1);
  };
  process.on("unhandledRejection", harnessError);
  process.on("uncaughtException", harnessError);
  for (; n < count && performance.now() < deadline && !interrupted; seed += stride, n++) {
    if (performance.now() - shown >= PROGRESS_MS) {
      shown = performance.now();
      // A long run shows how far it got, so that an interrupted run still counts for what it covered.
      console.error(
        `progress: ${n} schedules from seed ${start} (stride ${stride}), ${((shown - t0) / 1000).toFixed(0)} s, ${(simMs / 3_600_000).toFixed(1)} simulated hours, 0 violations`,
      );
    }
    const plan: Plan = planFor(seed, maxFaults);
    const o = await runPlan(plan);
    // One turn of the event loop per schedule (a schedule itself never yields one), right after it: a signal is seen
    // here (the loop's condition ends the run), and a rejection the schedule left unhandled is reported under its seed.
    await new Promise((resolve) => setImmediate(resolve));
    simMs += o.simMs;
    events += o.events;
    for (const [k, v] of Object.entries(o.faults)) faults[k] = (faults[k] ?? 0) + v;
    if (!o.ok) {
      console.log(`VIOLATION seed ${seed}: ${o.violation}`);
      const small = await shrink(plan, (x) => (x.violation ?? "").split(/[:(]/)[0] ?? "");
      console.log(`shrunk to ${small.faults.length} of ${plan.faults.length} faults:`);
      for (const f of small.faults) console.log(`  ${f.at} ms ${f.kind} on ${f.side === 0 ? "A" : "B"} (${f.ms} ms)`);
      const again = await runPlan(small);
      console.log(again.timeline.slice(-120).join("\n"));
      console.log(`VIOLATION seed ${seed}: ${o.violation}\nreplay: make sim SEED=${seed}`);
      return 1;
    }
  }
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      schedules: n,
      firstSeed: start,
      lastSeed: seed - stride,
      stride,
      ...(interrupted ? { interrupted: true } : {}),
      seconds: Number(s.toFixed(1)),
      schedulesPerSecond: Number((n / s).toFixed(2)),
      simulatedHours: Number((simMs / 3_600_000).toFixed(2)),
      events,
      faults,
      violations: 0,
    }),
  );
  return 0;
}

/** Run `jobs` processes side by side and add up what they print. */
async function parallel(jobs: number): Promise<number> {
  const t0 = performance.now();
  const start = opt("start", 1);
  const count = opt("count", Number.POSITIVE_INFINITY);
  const rest = [
    "--minutes",
    String(opt("minutes", 0)),
    "--max-faults",
    String(maxFaults),
    "--progress",
    String(PROGRESS_MS / 1000),
  ];
  let stopping = false;
  // SIGINT or SIGTERM: each process ends after its schedule in progress and prints what it covered; summed below.
  let interrupted = false;
  const forward = (signal: "SIGINT" | "SIGTERM") => () => {
    interrupted = true;
    for (const k of kids) k.kill(signal);
  };
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  const kids = Array.from({ length: jobs }, (_, j) => {
    const share = Number.isFinite(count) ? Math.floor(count / jobs) + (j < count % jobs ? 1 : 0) : count;
    const argv = ["--start", String(start + j), "--stride", String(jobs), "--count", String(share), ...rest];
    return Bun.spawn([process.execPath, import.meta.path, ...argv], { stdout: "pipe", stderr: "inherit" });
  });
  // A violation in one process ends the run: its report at once, the other processes stopped.
  const outs = await Promise.all(
    kids.map(async (k) => {
      const text = await new Response(k.stdout).text();
      const code = await k.exited;
      if (code !== 0 && code !== null && !stopping) {
        stopping = true;
        console.log(text);
        for (const other of kids) if (other !== k) other.kill();
      }
      return { text, code };
    }),
  );
  const sum = {
    schedules: 0,
    simulatedHours: 0,
    events: 0,
    faults: {} as Record<string, number>,
    violations: 0,
    /** Processes that ended without a summary (crashed or killed): what they covered is not counted. */
    unfinished: 0,
    /** Per process: the first and last seed it ran (every `jobs`-th seed between). */
    seeds: [] as string[],
  };
  for (const o of outs) {
    const last = o.text.trim().split("\n").at(-1) ?? "";
    if (o.code !== 0 || !last.startsWith("{")) {
      if (!stopping) console.log(o.text);
      if (o.text.includes("VIOLATION")) sum.violations++;
      else sum.unfinished++;
      continue;
    }
    const r = JSON.parse(last);
    if (r.schedules > 0) sum.seeds.push(`${r.firstSeed}..${r.lastSeed}`);
    sum.schedules += r.schedules;
    sum.simulatedHours += r.simulatedHours;
    sum.events += r.events;
    for (const [k, v] of Object.entries(r.faults as Record<string, number>)) sum.faults[k] = (sum.faults[k] ?? 0) + v;
  }
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      ...sum,
      jobs,
      ...(interrupted ? { interrupted: true } : {}),
      seconds: Number(s.toFixed(1)),
      schedulesPerSecond: Number((sum.schedules / s).toFixed(2)),
      simulatedHours: Number(sum.simulatedHours.toFixed(2)),
    }),
  );
  return sum.violations === 0 && sum.unfinished === 0 ? 0 : 1;
}

const seed = opt("seed", Number.NaN);
const jobs = opt("jobs", 1);
const code = Number.isFinite(seed)
  ? await replay(seed)
  : jobs > 1
    ? await parallel(jobs)
    : await many(opt("start", 1), opt("count", Number.POSITIVE_INFINITY), opt("minutes", 0), opt("stride", 1));
process.exit(code);
