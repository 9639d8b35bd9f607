// How far `make bench` is: each run as it completes (what it measured, its key number), the time so far and an
// estimate of the time left: each stage's remaining runs at that stage's own mean so far, or at a guess from its
// timers until one of its runs has completed. The formatting and the estimate are pure (test/bench/progress.test.ts).

/** One kind of run the bench repeats, in the order they run: a label, how many runs, a guess of one run's length. */
export interface Stage {
  key: string;
  runs: number;
  guessMs: number;
}

/** What a stage has done so far: runs counted, and all the time spent in it (failed runs included). */
export interface Done {
  runs: number;
  ms: number;
}

/** ms left: per stage, the runs still to do at its mean so far, or at its guess before its first run. */
export function remainingMs(stages: readonly Stage[], done: ReadonlyMap<string, Done>): number {
  let left = 0;
  for (const s of stages) {
    const d = done.get(s.key);
    const per = d !== undefined && d.runs > 0 ? d.ms / d.runs : s.guessMs;
    left += Math.max(0, s.runs - (d?.runs ?? 0)) * per;
  }
  return left;
}

/** "0 s", "45 s", "3 min 05 s", "1 h 02 min": rounded to the second (to the minute past an hour). */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** One progress line: "  [detection aggressive SIGKILL 3/20] 122 ms ...; 1 min 05 s so far, about 12 min 40 s left". */
export function progressLine(o: {
  stage: string;
  run: number;
  runs: number;
  what: string;
  elapsedMs: number;
  leftMs: number;
}): string {
  const left = o.leftMs < 1000 ? "nearly done" : `about ${duration(o.leftMs)} left`;
  return `  [${o.stage} ${Math.min(o.run, o.runs)}/${o.runs}] ${o.what}; ${duration(o.elapsedMs)} so far, ${left}`;
}

/** The bench's progress: it times each stage's runs as they are reported, and says each with the estimate. */
export class Progress {
  private readonly done = new Map<string, Done>();
  private readonly started: number;
  private last: number;

  constructor(
    readonly stages: readonly Stage[],
    private readonly say: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    this.last = this.started;
  }

  /** The whole plan's estimate before anything ran. */
  get guessMs(): number {
    return remainingMs(this.stages, new Map());
  }

  /** A run of `key` completed (`counted`) or failed and will be replaced (not counted); `what` says what it measured. */
  run(key: string, what: string, counted = true): void {
    const stage = this.stages.find((s) => s.key === key);
    if (stage === undefined) throw new Error(`bench progress: no stage ${key}`);
    const t = this.now();
    const d = this.done.get(key) ?? { runs: 0, ms: 0 };
    // Time since the last report counts for this stage: its pair's start-up too, so the mean is the real cost.
    const next = { runs: d.runs + (counted ? 1 : 0), ms: d.ms + (t - this.last) };
    this.done.set(key, next);
    this.last = t;
    this.say(
      progressLine({
        stage: key,
        run: counted ? next.runs : next.runs + 1,
        runs: stage.runs,
        what,
        elapsedMs: t - this.started,
        leftMs: remainingMs(this.stages, this.done),
      }),
    );
  }
}
