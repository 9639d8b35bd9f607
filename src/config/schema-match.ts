// Whether a parsed value satisfies a scalar spec (type, range, pattern, enum); no messages here.
import type { ScalarSpec } from "./schema-types.ts";

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
