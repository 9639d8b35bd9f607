// Does a module's default export satisfy the plugin API? Every problem says which part and what was expected.
import { show } from "./results.ts";

const PARAM_TYPES = ["string", "int", "bool"];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Problems with one declared parameter. */
function paramProblems(name: string, spec: unknown): string[] {
  const at = `meta.parameters.${name}`;
  if (!isObject(spec)) return [`${at} is ${show(spec)}; expected { type, doc, required?, default? }`];
  const out: string[] = [];
  if (typeof spec.type !== "string" || !PARAM_TYPES.includes(spec.type)) out.push(`${at}.type is ${show(spec.type)}; expected one of ${PARAM_TYPES.join(", ")}`);
  if (typeof spec.doc !== "string") out.push(`${at}.doc is ${show(spec.doc)}; expected a string`);
  if (spec.required !== undefined && typeof spec.required !== "boolean") out.push(`${at}.required is ${show(spec.required)}; expected true or false`);
  const d = spec.default;
  if (d !== undefined) {
    const fits = spec.type === "int" ? Number.isInteger(d) : spec.type === "bool" ? typeof d === "boolean" : typeof d === "string";
    if (!fits) out.push(`${at}.default is ${show(d)}; expected a value of type ${show(spec.type)}`);
    if (spec.required === true) out.push(`${at} is required and has a default; expected one or the other`);
  }
  return out;
}

/** Problems with `meta`. */
function metaProblems(meta: unknown): string[] {
  if (!isObject(meta)) return [`meta is ${show(meta)}; expected { name, description, parameters }`];
  const out: string[] = [];
  if (typeof meta.name !== "string" || meta.name === "") out.push(`meta.name is ${show(meta.name)}; expected a non-empty string`);
  if (typeof meta.description !== "string") out.push(`meta.description is ${show(meta.description)}; expected a string`);
  if (!isObject(meta.parameters)) out.push(`meta.parameters is ${show(meta.parameters)}; expected an object of parameter declarations ({} for none)`);
  else for (const [n, s] of Object.entries(meta.parameters)) out.push(...paramProblems(n, s));
  for (const k of ["interval", "timeout", "recoverTimeout"]) {
    const v = meta[k];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v > 0)) out.push(`meta.${k} is ${show(v)}; expected a positive number of ms`);
  }
  if (meta.extraParameters !== undefined && typeof meta.extraParameters !== "boolean") out.push(`meta.extraParameters is ${show(meta.extraParameters)}; expected true or false`);
  return out;
}

/** Every way `value` falls short of the SmaPlugin interface; [] when it is a plugin. */
export function pluginProblems(value: unknown): string[] {
  if (!isObject(value)) return [`is ${show(value)}; expected an object { meta, validate, monitor }`];
  const out = metaProblems(value.meta);
  for (const fn of ["validate", "monitor"]) {
    if (typeof value[fn] !== "function") out.push(`${fn} is ${value[fn] === undefined ? "missing" : show(value[fn])}; expected a function`);
  }
  for (const fn of ["recover", "canRecover", "start", "stop"]) {
    if (value[fn] !== undefined && typeof value[fn] !== "function") out.push(`${fn} is ${show(value[fn])}; expected a function (or leave it out)`);
  }
  return out;
}
