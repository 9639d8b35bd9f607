// Checking [[agent]] params against a plugin's declared parameters, and filling in defaults.
import type { ParamSpec, ParamType, Params, ParamValue, PluginMeta } from "./api.ts";
import { show } from "./results.ts";

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
        problems.push(`parameter ${name} = ${show(params[name])}: unknown parameter; expected one of ${known.join(", ") || "(none)"}`);
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
