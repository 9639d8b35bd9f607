// Result classes: which are valid, which count as healthy, and checking what a plugin returned.
import type { MonitorResult, ResultKind } from "./api.ts";
import type { SmaResultKind } from "./status.ts";

/** Every valid result class, in OCF order of severity. */
export const RESULT_KINDS: readonly ResultKind[] = ["running", "not-running", "soft-error", "hard-error", "fatal"];

// The plugin API and the status types name the same five classes.
const _same: [ResultKind, SmaResultKind] extends [SmaResultKind, ResultKind] ? true : never = true;
void _same;

/** Only "running" counts as a success for rise/fall smoothing. */
export function isHealthy(kind: ResultKind): boolean {
  return kind === "running";
}

/** Hard errors and fatal results act at once, without waiting for `fall` failures. */
export function isImmediate(kind: ResultKind): boolean {
  return kind === "hard-error" || kind === "fatal";
}

/** What is wrong with a value a plugin returned as a result, or null if it is a valid MonitorResult. */
export function resultProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return `returned ${show(value)}; expected an object { result, reason }`;
  const r = value as Record<string, unknown>;
  if (typeof r.result !== "string" || !(RESULT_KINDS as readonly string[]).includes(r.result)) {
    return `returned result ${show(r.result)}; expected one of ${RESULT_KINDS.join(", ")}`;
  }
  if (typeof r.reason !== "string") return `returned reason ${show(r.reason)}; expected a string`;
  return null;
}

/** A plugin's return value as a MonitorResult; an invalid one becomes a soft error saying why. */
export function normalizeResult(value: unknown): MonitorResult {
  const problem = resultProblem(value);
  if (problem === null) return value as MonitorResult;
  return { result: "soft-error", reason: `plugin contract violation: ${problem}` };
}

/** A short rendering of an unexpected value. */
export function show(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 80)}...` : s;
  } catch {
    return String(v);
  }
}
