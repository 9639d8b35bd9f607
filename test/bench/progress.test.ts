// `make bench` shows each run as it completes with the time so far and an estimate of the time left: durations, the
// estimate (each stage at its own mean, or its guess before its first run) and the lines, on a fake clock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Done, duration, Progress, progressLine, remainingMs, type Stage } from "../../bench/progress.ts";

test("duration: seconds, minutes with two-digit seconds, hours with two-digit minutes", () => {
  const cases: [number, string][] = [
    [0, "0 s"],
    [-5, "0 s"],
    [499, "0 s"],
    [500, "1 s"],
    [45_000, "45 s"],
    [59_499, "59 s"],
    [59_500, "1 min 00 s"],
    [185_000, "3 min 05 s"],
    [3_599_000, "59 min 59 s"],
    [3_600_000, "1 h 00 min"],
    [3_725_000, "1 h 02 min"],
    [7_170_000, "2 h 00 min"],
  ];
  for (const [ms, want] of cases) assert.is(duration(ms), want, `${ms} ms`);
});

const STAGES: Stage[] = [
  { key: "detection default SIGKILL", runs: 20, guessMs: 8000 },
  { key: "detection aggressive SIGKILL", runs: 20, guessMs: 2000 },
  { key: "load", runs: 5, guessMs: 60_000 },
];

test("remainingMs: guesses before any run, each stage's own mean after, nothing for a finished stage", () => {
  const cases: [string, [string, Done][], number][] = [
    ["nothing ran: the guesses", [], 20 * 8000 + 20 * 2000 + 5 * 60_000],
    [
      "5 default runs took 50 s: 10 s each for the 15 left, guesses for the rest",
      [["detection default SIGKILL", { runs: 5, ms: 50_000 }]],
      15 * 10_000 + 20 * 2000 + 5 * 60_000,
    ],
    [
      "the default stage done, 2 aggressive runs at 1.5 s",
      [
        ["detection default SIGKILL", { runs: 20, ms: 170_000 }],
        ["detection aggressive SIGKILL", { runs: 2, ms: 3000 }],
      ],
      18 * 1500 + 5 * 60_000,
    ],
    [
      "a failed run counts its time but no run: the guess stays until a run counts",
      [["load", { runs: 0, ms: 30_000 }]],
      20 * 8000 + 20 * 2000 + 5 * 60_000,
    ],
    [
      "more runs than planned (replacements) leave nothing negative",
      [
        ["detection default SIGKILL", { runs: 21, ms: 1 }],
        ["detection aggressive SIGKILL", { runs: 20, ms: 1 }],
        ["load", { runs: 5, ms: 1 }],
      ],
      0,
    ],
  ];
  for (const [name, done, want] of cases) assert.is(remainingMs(STAGES, new Map(done)), want, name);
});

test("progressLine: stage, run of runs, what it measured, time so far and left", () => {
  const line = (run: number, leftMs: number) =>
    progressLine({
      stage: "detection aggressive SIGKILL",
      run,
      runs: 20,
      what: "b declared a dead 122 ms after the kill",
      elapsedMs: 65_000,
      leftMs,
    });
  assert.is(
    line(3, 760_000),
    "  [detection aggressive SIGKILL 3/20] b declared a dead 122 ms after the kill; 1 min 05 s so far, about 12 min 40 s left",
  );
  assert.is(
    line(20, 0),
    "  [detection aggressive SIGKILL 20/20] b declared a dead 122 ms after the kill; 1 min 05 s so far, nearly done",
  );
  assert.match(line(23, 5000), "[detection aggressive SIGKILL 20/20]", "a replacement run never reads 23/20");
});

test("Progress on a fake clock: each report is timed from the one before, and the estimate follows", () => {
  let now = 1_000_000;
  const lines: string[] = [];
  const p = new Progress(
    [
      { key: "cost", runs: 1, guessMs: 38_000 },
      { key: "load", runs: 2, guessMs: 60_000 },
    ],
    (l) => lines.push(l),
    () => now,
  );
  assert.is(p.guessMs, 158_000);
  now += 40_000;
  p.run("cost", "a ACTIVE 2.70% CPU, 63.5 MiB");
  now += 70_000;
  p.run("load", "60 s under load: 1 false failover", false);
  now += 50_000;
  p.run("load", "120 s under load: 1 false failover");
  now += 60_000;
  p.run("load", "done");
  assert.equal(lines, [
    "  [cost 1/1] a ACTIVE 2.70% CPU, 63.5 MiB; 40 s so far, about 2 min 00 s left",
    "  [load 1/2] 60 s under load: 1 false failover; 1 min 50 s so far, about 2 min 00 s left",
    "  [load 1/2] 120 s under load: 1 false failover; 2 min 40 s so far, about 2 min 00 s left",
    "  [load 2/2] done; 3 min 40 s so far, nearly done",
  ]);
  assert.throws(() => p.run("nope", "x"), /no stage nope/);
});

test.run();
