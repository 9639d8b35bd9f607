// Shorthands for writing the schema: a millisecond timer, an absolute path, a name.
import { ABSOLUTE_PATH, NAME } from "./schema-checks.ts";
import type { IntSpec, StringSpec } from "./schema-types.ts";

/** An integer number of milliseconds in [min, max]. */
export function ms(doc: string, def: number, min: number, max: number): IntSpec {
  return { type: "int", doc, min, max, unit: "ms", default: def };
}

/** An absolute file or device path. */
export function absPath(doc: string, def?: string, extra: Partial<StringSpec> = {}): StringSpec {
  const spec: StringSpec = { type: "string", doc, pattern: ABSOLUTE_PATH, expect: "an absolute path (starting with /)", ...extra };
  return def === undefined ? spec : { ...spec, default: def };
}

/** A required name of 1-32 characters [A-Za-z0-9_.-]; `what` is "cluster", "node", "agent". */
export function name(what: string, doc: string): StringSpec {
  return { type: "string", doc, pattern: NAME, required: true, expect: `a ${what} name of 1-32 characters [A-Za-z0-9_.-]` };
}
