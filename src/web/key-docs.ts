// Each configuration key's documentation for the configurator, from the one schema (src/config/schema): what it is
// for, what it accepts and its default, by dotted path ("timers.deadtime", "fencing.level[].host"). Pure.
import { SCHEMA } from "../config/index.ts";
import { expected, type Fields, type Spec } from "../config/schema/spec.ts";

/** One key's documentation. */
export interface KeyDoc {
  doc: string;
  accepts: string;
  default?: string;
  required?: true;
  /** The key names a file whose content is a secret (never shown). */
  secret?: true;
}

/** Every key of the schema; the items of [[lists]] as `list[].key`, a fence level's keys merged over its types. */
export function keyDocs(): Record<string, KeyDoc> {
  const out: Record<string, KeyDoc> = {};
  walk(SCHEMA.fields, "", out);
  return out;
}

function walk(fields: Fields, prefix: string, out: Record<string, KeyDoc>): void {
  for (const [key, spec] of Object.entries(fields)) {
    const path = `${prefix}${key}`;
    if (spec.type === "table") {
      out[path] = { doc: spec.doc, accepts: "a table" };
      walk(spec.fields, `${path}.`, out);
    } else if (spec.type === "list") {
      out[`${path}[]`] = { doc: spec.doc, accepts: expected(spec) };
      const item = spec.item;
      if (item.type === "table") walk(item.fields, `${path}[].`, out);
      else {
        const tags = Object.keys(item.variants).map((t) => JSON.stringify(t));
        out[`${path}[].${item.tag}`] = { doc: `which kind of ${item.doc}`, accepts: `one of ${tags.join(", ")}` };
        for (const [tag, variant] of Object.entries(item.variants))
          for (const [k, s] of Object.entries(variant))
            out[`${path}[].${k}`] ??= { ...one(s), doc: `${s.doc} (${item.tag} = "${tag}")` };
      }
    } else out[path] = one(spec);
  }
}

function one(spec: Spec): KeyDoc {
  const d: KeyDoc = { doc: spec.doc, accepts: expected(spec) };
  if ("default" in spec && spec.default !== undefined)
    d.default = spec.default === "index" ? "the node's position (0, 1)" : JSON.stringify(spec.default);
  if (spec.required) d.required = true;
  if (spec.type === "string" && spec.secret === "path") d.secret = true;
  return d;
}
