// The plugin contract of api.ts, checked: which results are valid and healthy, the declared parameters, the
// module's shape, and validation; every problem says which part and what was expected.

import type {
  MonitorResult,
  ParamSpec,
  ParamType,
  Params,
  ParamValue,
  PluginContext,
  PluginMeta,
  ResultKind,
  MonitorPlugin,
} from "./api.ts";
import type { MonitorResultKind } from "./status.ts";

// Result classes: which are valid, which count as healthy, and checking what a plugin returned.

/** Every valid result class, in OCF order of severity. */
export const RESULT_KINDS: readonly ResultKind[] = ["running", "not-running", "soft-error", "hard-error", "fatal"];

// The plugin API and the status types name the same five classes.
const _same: [ResultKind, MonitorResultKind] extends [MonitorResultKind, ResultKind] ? true : never = true;
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
  if (typeof value !== "object" || value === null)
    return `returned ${show(value)}; expected an object { result, reason }`;
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

// Checking [[monitor]] params against a plugin's declared parameters, and filling in defaults.

const TYPE_NOUN: Record<ParamType, string> = { string: "a string", int: "an integer", bool: "true or false" };

/** Does `v` have the declared type? */
export function hasType(v: unknown, type: ParamType): v is ParamValue {
  if (type === "int") return typeof v === "number" && Number.isInteger(v);
  if (type === "bool") return typeof v === "boolean";
  return typeof v === "string";
}

/** Problems with `params` against `meta.parameters`: missing required, wrong type, unknown names. */
export function checkParams(meta: PluginMeta, params: Params): string[] {
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(meta.parameters)) {
    const v = params[name];
    if (v === undefined) {
      if (spec.required) problems.push(`parameter ${name}: missing; expected ${describeSpec(spec)} (required)`);
    } else if (!hasType(v, spec.type)) {
      problems.push(`parameter ${name} = ${show(v)}: expected ${TYPE_NOUN[spec.type]}`);
    }
  }
  if (!meta.extraParameters) {
    const known = Object.keys(meta.parameters);
    for (const name of Object.keys(params)) {
      if (!known.includes(name)) {
        problems.push(
          `parameter ${name} = ${show(params[name])}: unknown parameter; expected one of ${known.join(", ") || "(none)"}`,
        );
      }
    }
  }
  return problems;
}

/** `params` with every declared default filled in where the config did not set a value. */
export function withDefaults(meta: PluginMeta, params: Params): Params {
  const out: Params = {};
  for (const [name, spec] of Object.entries(meta.parameters)) {
    if (spec.default !== undefined) out[name] = spec.default;
  }
  return { ...out, ...params };
}

/** "a string (the systemd unit)" style noun phrase for a parameter. */
export function describeSpec(spec: ParamSpec): string {
  return `${TYPE_NOUN[spec.type]} (${spec.doc})`;
}

/** A required string parameter's value, or "" when absent (validate has reported it). */
export function str(params: Params, name: string): string {
  const v = params[name];
  return typeof v === "string" ? v : "";
}

/** An int parameter's value, or `fallback`. */
export function int(params: Params, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === "number" ? v : fallback;
}

/** A bool parameter's value, or `fallback`. */
export function bool(params: Params, name: string, fallback: boolean): boolean {
  const v = params[name];
  return typeof v === "boolean" ? v : fallback;
}

// Does a module's default export satisfy the plugin API? Every problem says which part and what was expected.

const PARAM_TYPES = ["string", "int", "bool"];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Problems with one declared parameter. */
function paramProblems(name: string, spec: unknown): string[] {
  const at = `meta.parameters.${name}`;
  if (!isObject(spec)) return [`${at} is ${show(spec)}; expected { type, doc, required?, default? }`];
  const out: string[] = [];
  if (typeof spec.type !== "string" || !PARAM_TYPES.includes(spec.type))
    out.push(`${at}.type is ${show(spec.type)}; expected one of ${PARAM_TYPES.join(", ")}`);
  if (typeof spec.doc !== "string") out.push(`${at}.doc is ${show(spec.doc)}; expected a string`);
  if (spec.required !== undefined && typeof spec.required !== "boolean")
    out.push(`${at}.required is ${show(spec.required)}; expected true or false`);
  const d = spec.default;
  if (d !== undefined) {
    const fits =
      spec.type === "int" ? Number.isInteger(d) : spec.type === "bool" ? typeof d === "boolean" : typeof d === "string";
    if (!fits) out.push(`${at}.default is ${show(d)}; expected a value of type ${show(spec.type)}`);
    if (spec.required === true) out.push(`${at} is required and has a default; expected one or the other`);
  }
  return out;
}

/** Problems with `meta`. */
function metaProblems(meta: unknown): string[] {
  if (!isObject(meta)) return [`meta is ${show(meta)}; expected { name, description, parameters }`];
  const out: string[] = [];
  if (typeof meta.name !== "string" || meta.name === "")
    out.push(`meta.name is ${show(meta.name)}; expected a non-empty string`);
  if (typeof meta.description !== "string")
    out.push(`meta.description is ${show(meta.description)}; expected a string`);
  if (!isObject(meta.parameters))
    out.push(`meta.parameters is ${show(meta.parameters)}; expected an object of parameter declarations ({} for none)`);
  else for (const [n, s] of Object.entries(meta.parameters)) out.push(...paramProblems(n, s));
  for (const k of ["interval", "timeout", "recoverTimeout"]) {
    const v = meta[k];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v > 0))
      out.push(`meta.${k} is ${show(v)}; expected a positive number of ms`);
  }
  if (meta.extraParameters !== undefined && typeof meta.extraParameters !== "boolean")
    out.push(`meta.extraParameters is ${show(meta.extraParameters)}; expected true or false`);
  return out;
}

/** Every way `value` falls short of the MonitorPlugin interface; [] when it is a plugin. */
export function pluginProblems(value: unknown): string[] {
  if (!isObject(value)) return [`is ${show(value)}; expected an object { meta, validate, monitor }`];
  const out = metaProblems(value.meta);
  for (const fn of ["validate", "monitor"]) {
    if (typeof value[fn] !== "function")
      out.push(`${fn} is ${value[fn] === undefined ? "missing" : show(value[fn])}; expected a function`);
  }
  for (const fn of ["recover", "canRecover", "start", "stop"]) {
    if (value[fn] !== undefined && typeof value[fn] !== "function")
      out.push(`${fn} is ${show(value[fn])}; expected a function (or leave it out)`);
  }
  return out;
}

// Parameter validation as an operation: the declared-parameter check plus the plugin's own validate(), as a result.

const VALID: MonitorResult = { result: "running", reason: "parameters valid" };

/**
 * What validation comes to: the declared problems and the plugin's own (a list: fatal when not empty) or its
 * result for this node (hard-error: fail over; soft-error: a failure, tried again; fatal; running); a return of
 * another shape is a soft error naming the contract violation.
 */
export function judgeValidation(declared: readonly string[], returned: unknown): MonitorResult {
  const own = validateReturn(returned);
  const problems = [...new Set([...declared, ...(Array.isArray(own) ? own : [])])];
  if (problems.length > 0) return { result: "fatal", reason: problems.join("; ") };
  if (Array.isArray(own)) return VALID;
  if (own === null)
    return {
      result: "soft-error",
      reason: `plugin contract violation: validate returned ${show(returned)}; expected an array of problem strings or a result { result, reason }`,
    };
  return own.result === "running" ? VALID : { result: own.result, reason: `validate: ${own.reason}` };
}

/** validate's return as its contract reads it: a list of problems, a result for this node, or null (any other shape). */
export function validateReturn(v: unknown): string[] | MonitorResult | null {
  if (Array.isArray(v) && v.every((p) => typeof p === "string")) return v as string[];
  return resultProblem(v) === null ? (v as MonitorResult) : null;
}

/** validate as an operation for the runner: see judgeValidation. */
export function validateOp(
  plugin: MonitorPlugin,
  raw: Params,
  params: Params,
): (ctx: PluginContext) => Promise<MonitorResult> {
  return async (ctx) => judgeValidation(checkParams(plugin.meta, raw), await plugin.validate(params, ctx));
}
