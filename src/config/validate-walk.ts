// Walks the schema and the parsed tree together: types, ranges, unknown and missing keys, defaults.
import type { Checker } from "./validate-context.ts";
import type { Segment } from "./key-path.ts";
import { expected } from "./schema-describe.ts";
import { matches } from "./schema-match.ts";
import type { EnumSpec, Fields, ListSpec, Spec, VariantSpec } from "./schema-types.ts";
import { isTable, own, type TomlValue } from "./toml-tree.ts";

/** Checks one value against its spec; returns the value with defaults filled in, or undefined. */
export function checkValue(spec: Spec, raw: TomlValue | undefined, segs: Segment[], ck: Checker, index: number): unknown {
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
  return spec.default === "index" ? index : spec.default;
}

/** A table with known keys; `context` qualifies unknown-key messages. */
function checkFields(fields: Fields, raw: TomlValue, segs: Segment[], ck: Checker, index: number, spec: Spec, context?: string): Record<string, unknown> | undefined {
  if (!isTable(raw)) {
    ck.fail(segs, raw, expected(spec));
    return undefined;
  }
  const allowed = Object.keys(fields);
  for (const key of Object.keys(raw)) if (!Object.hasOwn(fields, key)) ck.unknown([...segs, key], allowed, context);
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
