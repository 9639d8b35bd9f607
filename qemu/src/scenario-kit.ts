// What every scenario shares: its result record, steps with expectations, and the events it reads.
import type { ConsoleShot } from "./console-camera.ts";
import type { ConsoleEvent } from "./console.ts";
import { ask } from "./control.ts";
import type { Integrity } from "./integrity.ts";
import type { Node } from "./paths.ts";
import { progress } from "./sh.ts";

export interface ScenarioResult {
  name: string;
  pass: boolean;
  failedStep?: string;
  expected?: string;
  error?: string;
  steps: { at: number; what: string }[];
  timings: Record<string, number>;
  integrity?: Integrity;
  timeline: { at: number; node: string; what: string }[];
  consoles?: Record<Node, string>;
  /** Screenshots of the web console taken during the scenario, in the report folder. */
  screenshots?: ConsoleShot[];
}

/** Where a scenario's own files go: the run's report folder, and the name prefix of this scenario there. */
export interface RunOutput {
  dir: string;
  prefix: string;
}

/** A running scenario: records steps and timings; `expect` fails it with what was expected. */
export class Run {
  readonly r: ScenarioResult;
  constructor(
    name: string,
    readonly t0: number,
    readonly out?: RunOutput,
  ) {
    this.r = { name, pass: false, steps: [], timings: {}, timeline: [] };
  }
  step(what: string): void {
    this.r.steps.push({ at: Date.now(), what });
    progress(this.t0, `${this.r.name}: ${what}`);
  }
  expect(ok: boolean, what: string): void {
    if (!ok) {
      this.r.failedStep = this.r.steps.at(-1)?.what ?? "start";
      this.r.expected = what;
      throw new Error(`expected ${what}`);
    }
  }
  time(name: string, ms: number): void {
    this.r.timings[name] = Math.round(ms);
    progress(this.t0, `${this.r.name}: ${name} = ${Math.round(ms)} ms`);
  }
}

/** Both consoles' parsed events so far. */
export async function consoles(): Promise<Record<Node, ConsoleEvent[]>> {
  const r = await ask<{ consoles: Record<Node, ConsoleEvent[]> }>({ cmd: "events" });
  return r.consoles;
}

/** The first event on `n`'s console after `since` that matches. */
export function firstAfter(
  events: ConsoleEvent[],
  since: number,
  pred: (e: ConsoleEvent) => boolean,
): ConsoleEvent | undefined {
  return events.find((e) => e.at >= since && pred(e));
}
