// The "expected ..." phrase for a spec: its own expect text, or one derived from type and range.
import type { Spec } from "./schema-types.ts";

const UNIT_NAMES = { ms: "milliseconds", s: "seconds", bytes: "bytes" } as const;

/** Noun phrase describing what a key accepts. */
export function expected(spec: Spec): string {
  if (spec.expect !== undefined) return spec.expect;
  switch (spec.type) {
    case "int": {
      const range = spec.max >= Number.MAX_SAFE_INTEGER ? `an integer of at least ${spec.min}` : `an integer from ${spec.min} to ${spec.max}`;
      const step = spec.multipleOf === undefined ? "" : `, a multiple of ${spec.multipleOf}`;
      return `${range}${step}${spec.unit === undefined ? "" : ` (${UNIT_NAMES[spec.unit]})`}`;
    }
    case "string":
      return "a string";
    case "bool":
      return "true or false";
    case "enum":
      return `one of ${spec.values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ")}`;
    case "map":
      return "a table of string, number or boolean values";
    case "table":
      return "a table";
    case "list":
      return "an array of tables";
    case "variant":
      return `a table with ${spec.tag} = one of ${Object.keys(spec.variants).map((v) => JSON.stringify(v)).join(", ")}`;
  }
}
