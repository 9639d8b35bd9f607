// The vocabulary the declarative schema is written in: one spec per key.

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

/** A free-form table of string, number or boolean values (agent params). */
export interface MapSpec extends Common {
  type: "map";
}

/** A [table] with known keys; any other key is an error. */
export interface TableSpec extends Common {
  type: "table";
  fields: Fields;
}

/** A [[list]] of tables (or variants), with an optional count range. */
export interface ListSpec extends Common {
  type: "list";
  item: TableSpec | VariantSpec;
  min?: number;
  max?: number;
}

/** A table whose allowed keys depend on its tag key (fence agent "type"). */
export interface VariantSpec extends Common {
  type: "variant";
  tag: string;
  variants: Readonly<Record<string, Fields>>;
}

export type ScalarSpec = IntSpec | StringSpec | BoolSpec | EnumSpec;
export type Spec = ScalarSpec | MapSpec | TableSpec | ListSpec | VariantSpec;
export type Fields = Readonly<Record<string, Spec>>;
