// The vocabulary the declarative schema is written in: one spec per key; shorthands for the common keys; and for
// each spec, whether a value matches it and the "expected ..." phrase when it does not.
import { ABSOLUTE_PATH, NAME } from "./shapes.ts";

/** Units shown in messages and in the effective config. */
export type Unit = "ms" | "s" | "bytes";

interface Common {
  /** What the key is for (a comment in the effective config). */
  doc: string;
  /** Noun phrase for "expected ..."; derived from the type and range when absent. */
  expect?: string;
  /** A missing key is an error (otherwise the default applies, or the key stays unset). */
  required?: boolean;
}

/** An integer in [min, max], optionally a multiple of a step; "index" defaults to the list position. */
export interface IntSpec extends Common {
  type: "int";
  min: number;
  max: number;
  multipleOf?: number;
  unit?: Unit;
  default?: number | "index";
}

/** A string matching a pattern and/or a predicate; secret: "path" marks a file holding a secret. */
export interface StringSpec extends Common {
  type: "string";
  pattern?: RegExp;
  check?: (s: string) => boolean;
  default?: string;
  secret?: "path";
}

/** true or false. */
export interface BoolSpec extends Common {
  type: "bool";
  default?: boolean;
}

/** One of a fixed list of strings or numbers. */
export interface EnumSpec extends Common {
  type: "enum";
  values: readonly (string | number)[];
  default?: string | number;
}

/** A free-form table of string, number or boolean values (monitor params). */
export interface MapSpec extends Common {
  type: "map";
}

/** An array of scalar values, each matching `item` (`events = ["role", "fence-failed"]`), optionally distinct. */
export interface ArraySpec extends Common {
  type: "array";
  item: ScalarSpec;
  min?: number;
  max?: number;
  /** No value may appear twice. */
  distinct?: boolean;
  default?: readonly (string | number | boolean)[];
}

/** A [table] with known keys; any other key is an error. */
export interface TableSpec extends Common {
  type: "table";
  fields: Fields;
  /** Keys that were renamed: the old key and what to write instead ("[[monitor]] (the service monitors)"). */
  renamed?: Readonly<Record<string, string>>;
}

/** A [[list]] of tables (or variants), with an optional count range. */
export interface ListSpec extends Common {
  type: "list";
  item: TableSpec | VariantSpec;
  min?: number;
  max?: number;
}

/** A table whose allowed keys depend on its tag key (a fence level's "type"). */
export interface VariantSpec extends Common {
  type: "variant";
  tag: string;
  variants: Readonly<Record<string, Fields>>;
}

/** A spec for one value (not a table or list). */
export type ScalarSpec = IntSpec | StringSpec | BoolSpec | EnumSpec;
/** Any key's spec. */
export type Spec = ScalarSpec | ArraySpec | MapSpec | TableSpec | ListSpec | VariantSpec;
/** A table's keys and their specs. */
export type Fields = Readonly<Record<string, Spec>>;

// Shorthands for writing the schema: a millisecond timer, an absolute path, a name.

/** An integer number of milliseconds in [min, max]. */
export function ms(doc: string, def: number, min: number, max: number): IntSpec {
  return { type: "int", doc, min, max, unit: "ms", default: def };
}

/** An absolute file or device path. */
export function absPath(doc: string, def?: string, extra: Partial<StringSpec> = {}): StringSpec {
  const spec: StringSpec = {
    type: "string",
    doc,
    pattern: ABSOLUTE_PATH,
    expect: "an absolute path (starting with /)",
    ...extra,
  };
  return def === undefined ? spec : { ...spec, default: def };
}

/** A required name of 1-32 characters [A-Za-z0-9_.-]; `what` is "cluster", "node", "monitor". */
export function name(what: string, doc: string): StringSpec {
  return {
    type: "string",
    doc,
    pattern: NAME,
    required: true,
    expect: `a ${what} name of 1-32 characters [A-Za-z0-9_.-]`,
  };
}

// Whether a parsed value satisfies a scalar spec (type, range, pattern, enum); no messages here.

/** True when `v` is acceptable for the scalar spec. */
export function matches(spec: ScalarSpec, v: unknown): boolean {
  switch (spec.type) {
    case "int":
      return (
        typeof v === "number" &&
        Number.isInteger(v) &&
        v >= spec.min &&
        v <= spec.max &&
        (spec.multipleOf === undefined || v % spec.multipleOf === 0)
      );
    case "string":
      return typeof v === "string" && (spec.pattern?.test(v) ?? true) && (spec.check?.(v) ?? true);
    case "bool":
      return typeof v === "boolean";
    case "enum":
      return (typeof v === "string" || typeof v === "number") && spec.values.includes(v);
  }
}

// The "expected ..." phrase for a spec: its own expect text, or one derived from type and range.

const UNIT_NAMES = { ms: "milliseconds", s: "seconds", bytes: "bytes" } as const;

/** Noun phrase describing what a key accepts. */
export function expected(spec: Spec): string {
  if (spec.expect !== undefined) return spec.expect;
  switch (spec.type) {
    case "int": {
      const range =
        spec.max >= Number.MAX_SAFE_INTEGER
          ? `an integer of at least ${spec.min}`
          : `an integer from ${spec.min} to ${spec.max}`;
      const step = spec.multipleOf === undefined ? "" : `, a multiple of ${spec.multipleOf}`;
      return `${range}${step}${spec.unit === undefined ? "" : ` (${UNIT_NAMES[spec.unit]})`}`;
    }
    case "string":
      return "a string";
    case "bool":
      return "true or false";
    case "enum":
      return `one of ${spec.values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ")}`;
    case "array": {
      const count =
        spec.min !== undefined && spec.max !== undefined
          ? `${spec.min} to ${spec.max}`
          : spec.min !== undefined
            ? `at least ${spec.min}`
            : spec.max !== undefined
              ? `at most ${spec.max}`
              : "any number of";
      return `an array of ${count}${spec.distinct ? " distinct" : ""} values, each ${expected(spec.item)}`;
    }
    case "map":
      return "a table of string, number or boolean values";
    case "table":
      return "a table";
    case "list":
      return "an array of tables";
    case "variant":
      return `a table with ${spec.tag} = one of ${Object.keys(spec.variants)
        .map((v) => JSON.stringify(v))
        .join(", ")}`;
  }
}
