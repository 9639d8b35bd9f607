// Validates a parsed clusterguard.toml: walks the schema (schema/) and the parsed tree together (types, ranges,
// unknown and missing keys, defaults), then runs each section's cross-key rules; collects everything.
import { CROSS_CHECKS, SCHEMA } from "./schema/index.ts";
import {
  type ArraySpec,
  expected,
  matches,
  type EnumSpec,
  type Fields,
  type ListSpec,
  type Spec,
  type VariantSpec,
} from "./schema/spec.ts";
import { isTable, own, type LineMap, type TomlTable, type TomlValue } from "./toml.ts";
import { keyPath, type Segment } from "./toml-tokens.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";

/** The outcome: config is set only when there are no errors; warnings never block. */
export interface ValidationResult {
  config: ClusterConfig | undefined;
  errors: ConfigError[];
  warnings: string[];
}

/** Validates a parsed tree; `lines` gives each key's line; `file` is used in messages. */
export function validate(tree: TomlTable, lines: LineMap, file: string): ValidationResult {
  const ck = new Checker(file, lines);
  const draft = (checkValue(SCHEMA, tree, [], ck, 0) ?? {}) as ConfigDraft;
  for (const check of CROSS_CHECKS) check(draft, ck);
  const errors = ck.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { config: errors.length === 0 ? (draft as ClusterConfig) : undefined, errors, warnings: ck.warnings };
}

// What validation accumulates: errors, warnings and which keys were invalid; plus the draft config type.

type DeepPartial<T> = T extends (infer U)[]
  ? (DeepPartial<U> | undefined)[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** The config as built so far: any key may be missing because it was invalid. */
export type ConfigDraft = DeepPartial<ClusterConfig>;

/** Collects problems for one file, with lines looked up in the parser's line map. */
export class Checker {
  readonly errors: ConfigError[] = [];
  readonly warnings: string[] = [];
  /** Dotted paths whose value was rejected (so later checks do not report them again). */
  readonly invalid = new Set<string>();

  constructor(
    readonly file: string,
    readonly lines: LineMap,
  ) {}

  /** Line of the key, else of the nearest enclosing table the file mentions. */
  lineNear(segs: readonly Segment[]): number | undefined {
    for (let n = segs.length; n > 0; n--) {
      const line = this.lines.get(segs.slice(0, n));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  /** True when the key's value was rejected. */
  isInvalid(segs: readonly Segment[]): boolean {
    return this.invalid.has(keyPath(segs));
  }

  /** A bad value: `key = value: expected ...`. */
  fail(segs: readonly Segment[], value: unknown, expected: string, problem?: string): void {
    this.invalid.add(keyPath(segs));
    this.push({ key: keyPath(segs), line: this.lineNear(segs), value, expected, problem });
  }

  /** A value (possibly a default) that breaks a rule relating it to other keys named in `near`. */
  cross(segs: readonly Segment[], value: unknown, expected: string, near: readonly (readonly Segment[])[] = []): void {
    const key = keyPath(segs);
    const defaulted = !this.lines.has(segs);
    const line =
      this.lines.get(segs) ?? near.map((s) => this.lines.get(s)).find((l) => l !== undefined) ?? this.lineNear(segs);
    this.invalid.add(key);
    this.push({ key, line, value, expected, defaulted: defaulted || undefined });
  }

  /** A required key that is absent. */
  missing(segs: readonly Segment[], expected: string): void {
    this.invalid.add(keyPath(segs));
    this.push({ key: keyPath(segs), line: this.lineNear(segs.slice(0, -1)), expected, problem: "missing" });
  }

  /** A key that was renamed: `[[agent]]: renamed: write [[monitor]] (the service monitors)`. */
  renamed(segs: readonly Segment[], value: TomlValue | undefined, to: string): void {
    const path = keyPath(segs);
    const key = Array.isArray(value) ? `[[${path}]]` : isTable(value) ? `[${path}]` : path;
    this.push({ key, line: this.lineNear(segs), expected: "", problem: `renamed: write ${to}` });
  }

  /** A key the schema does not know; `context` narrows it (for type = "qmp"). */
  unknown(segs: readonly Segment[], allowed: readonly string[], context?: string): void {
    const problem = context === undefined ? "unknown key" : `unknown key ${context}`;
    this.push({ key: keyPath(segs), line: this.lineNear(segs), expected: `one of: ${allowed.join(", ")}`, problem });
  }

  /** A warning line: FILE[:LINE]: KEY: message. */
  warn(segs: readonly Segment[], message: string): void {
    const line = this.lineNear(segs);
    this.warnings.push(`${line === undefined ? this.file : `${this.file}:${line}`}: ${keyPath(segs)}: ${message}`);
  }

  private push(e: Omit<ConfigError, "file">): void {
    const error: ConfigError = { file: this.file, key: e.key, expected: e.expected };
    if (e.line !== undefined) error.line = e.line;
    if (e.value !== undefined) error.value = e.value;
    if (e.defaulted) error.defaulted = true;
    if (e.problem !== undefined) error.problem = e.problem;
    this.errors.push(error);
  }
}

// Walks the schema and the parsed tree together: types, ranges, unknown and missing keys, defaults.

/** Checks one value against its spec; returns the value with defaults filled in, or undefined. */
function checkValue(spec: Spec, raw: TomlValue | undefined, segs: Segment[], ck: Checker, index: number): unknown {
  if (raw === undefined) return absent(spec, segs, ck, index);
  switch (spec.type) {
    case "table":
      return checkFields(spec.fields, raw, segs, ck, index, spec);
    case "list":
      return checkList(spec, raw, segs, ck);
    case "variant":
      return checkVariant(spec, raw, segs, ck, index);
    case "map":
      return checkMap(spec, raw, segs, ck);
    case "array":
      return checkArray(spec, raw, segs, ck);
    default:
      if (matches(spec, raw)) return raw;
      ck.fail(segs, raw, expected(spec));
      return undefined;
  }
}

/** A key the file leaves out: required -> error; tables and lists -> checked as empty; else the default. */
function absent(spec: Spec, segs: Segment[], ck: Checker, index: number): unknown {
  if (spec.type === "table") return checkFields(spec.fields, {}, segs, ck, index, spec);
  if (spec.type === "list") return checkList(spec, [], segs, ck);
  if (spec.type === "map") return {};
  if (spec.required) ck.missing(segs, expected(spec));
  if (spec.type === "variant" || spec.default === undefined) return undefined;
  if (spec.type === "array") return [...spec.default];
  return spec.default === "index" ? index : spec.default;
}

/** A table with known keys; `context` qualifies unknown-key messages. */
function checkFields(
  fields: Fields,
  raw: TomlValue,
  segs: Segment[],
  ck: Checker,
  index: number,
  spec: Spec,
  context?: string,
): Record<string, unknown> | undefined {
  if (!isTable(raw)) {
    ck.fail(segs, raw, expected(spec));
    return undefined;
  }
  const allowed = Object.keys(fields);
  const renamed = spec.type === "table" ? spec.renamed : undefined;
  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(fields, key)) continue;
    const to = renamed !== undefined && Object.hasOwn(renamed, key) ? renamed[key] : undefined;
    if (to === undefined) ck.unknown([...segs, key], allowed, context);
    else ck.renamed([...segs, key], own(raw, key), to);
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = checkValue(field, own(raw, key), [...segs, key], ck, index);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** [[list]]: an array of tables within the count range; items keep their positions. */
function checkList(spec: ListSpec, raw: TomlValue, segs: Segment[], ck: Checker): unknown[] | undefined {
  if (!Array.isArray(raw)) {
    ck.fail(segs, raw, expected(spec));
    return undefined;
  }
  if ((spec.min !== undefined && raw.length < spec.min) || (spec.max !== undefined && raw.length > spec.max)) {
    ck.fail(segs, undefined, expected(spec), raw.length === 0 ? "missing" : `found ${raw.length}`);
  }
  return raw.map((item, i) => checkValue(spec.item, item, [...segs, i], ck, i));
}

/** A table whose tag key (type) picks the allowed keys. */
function checkVariant(spec: VariantSpec, raw: TomlValue, segs: Segment[], ck: Checker, index: number): unknown {
  if (!isTable(raw)) {
    ck.fail(segs, raw, expected(spec));
    return undefined;
  }
  const tagSpec: EnumSpec = { type: "enum", doc: spec.doc, values: Object.keys(spec.variants) };
  const tag = own(raw, spec.tag);
  const variant = typeof tag === "string" && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : undefined;
  if (tag === undefined) ck.missing([...segs, spec.tag], expected(tagSpec));
  else if (variant === undefined) ck.fail([...segs, spec.tag], tag, expected(tagSpec));
  if (variant === undefined) return undefined;
  const fields: Fields = { [spec.tag]: tagSpec, ...variant };
  return checkFields(fields, raw, segs, ck, index, spec, `for ${spec.tag} = ${JSON.stringify(tag)}`);
}

/** An array of scalars: its length in range, each element matching the item spec (named by index), no repeats if distinct. */
function checkArray(spec: ArraySpec, raw: TomlValue, segs: Segment[], ck: Checker): unknown[] | undefined {
  if (!Array.isArray(raw)) {
    ck.fail(segs, raw, expected(spec));
    return undefined;
  }
  if ((spec.min !== undefined && raw.length < spec.min) || (spec.max !== undefined && raw.length > spec.max)) {
    ck.fail(segs, raw, expected(spec), `found ${raw.length}`);
    return undefined;
  }
  let ok = true;
  raw.forEach((v, i) => {
    if (!matches(spec.item, v)) {
      ck.fail([...segs, i], v, expected(spec.item));
      ok = false;
    } else if (spec.distinct && raw.indexOf(v) < i) {
      ck.fail([...segs, i], v, `a value not already in ${keyPath(segs)} (at ${keyPath([...segs, raw.indexOf(v)])})`);
      ok = false;
    }
  });
  return ok ? [...raw] : undefined;
}

/** Free-form keys whose values are strings, finite numbers or booleans. */
function checkMap(spec: Spec, raw: TomlValue, segs: Segment[], ck: Checker): Record<string, unknown> | undefined {
  if (!isTable(raw)) {
    ck.fail(segs, raw, expected(spec));
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
    if (ok) Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else ck.fail([...segs, key], v, "a string, a finite number or a boolean");
  }
  return out;
}
