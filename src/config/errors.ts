// One-line rendering of configuration errors: FILE:LINE: KEY = VALUE: expected WHAT.
import type { ConfigError } from "./types.ts";
import { tomlKey, tomlString } from "./toml-escape.ts";

const MAX_SHOWN = 60;

/** Formats e.g. `f.toml:12: timers.deadtime = 400: expected an integer greater than ...`. */
export function formatConfigError(e: ConfigError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}`;
  const subject = e.value === undefined ? e.key : `${e.key} = ${showValue(e.value)}${e.defaulted ? " (default)" : ""}`;
  const expected = e.expected === "" ? "" : `expected ${e.expected}`;
  const tail = e.problem === undefined ? expected : expected === "" ? e.problem : `${e.problem}; ${expected}`;
  return `${where}: ${subject}: ${tail}`;
}

/** Shows a value as TOML would write it, shortened to about 60 characters. */
export function showValue(v: unknown): string {
  const s = show(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}...` : s;
}

function show(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "number") return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (typeof v === "object" && v !== null) {
    const items = Object.entries(v).map(([k, x]) => `${tomlKey(k)} = ${show(x)}`);
    return items.length === 0 ? "{}" : `{ ${items.join(", ")} }`;
  }
  return String(v);
}
