// Prints the effective configuration (defaults filled in) as TOML, walking the same schema as validation.
import { createHash } from "node:crypto";
import { DEFAULT_AUTHKEY_PATH } from "./load.ts";
import { SCHEMA } from "./schema/index.ts";
import type { Fields, ListSpec, Spec } from "./schema/spec.ts";
import { keyPath, tomlKey, tomlString, type Segment } from "./toml-tokens.ts";
import type { ClusterConfig } from "./types.ts";

/** What to say about the files around the config. */
export interface RenderOptions {
  /** The key bytes from loadAuthkey: shown as length and sha256 prefix only. */
  authkey?: Uint8Array;
  authkeyPath?: string;
  /** The config file the values came from. */
  source?: string;
  /**
   * For an audience that may not see everything (the console's read-only sessions): the values of free-form tables
   * (monitor params, which may hold credentials) and the paths of secret files are replaced by a comment.
   */
  redact?: boolean;
}

type Obj = Record<string, unknown>;

/** Renders `config` as TOML that parses and validates back to the same config; secrets are never shown. */
export function renderEffective(config: ClusterConfig, opts: RenderOptions = {}): string {
  const out = ["# clusterguard effective configuration (defaults filled in)"];
  if (opts.source !== undefined) out.push(`# source: ${opts.source}`);
  if (opts.authkey !== undefined)
    out.push(`# authkey: ${opts.authkeyPath ?? DEFAULT_AUTHKEY_PATH} ${describeAuthkey(opts.authkey)}`);
  section(undefined, SCHEMA.fields, config as unknown as Obj, [], out, opts.redact === true);
  return `${out.join("\n")}\n`;
}

/**
 * sha256 of the effective config (its meaning: comments and spacing do not count) and of the authkey: what a guard
 * of this boot ran with, so that the agent can tell that /etc/clusterguard changed since the initrd was built.
 */
export function configDigests(config: ClusterConfig, key: Uint8Array): { config: string; authkey: string } {
  return {
    config: createHash("sha256").update(renderEffective(config)).digest("hex"),
    authkey: createHash("sha256").update(key).digest("hex"),
  };
}

/** "<128 bytes, sha256 prefix 1a2b3c4d>": identifies a key without revealing it. */
export function describeAuthkey(key: Uint8Array): string {
  return `<${key.length} bytes, sha256 prefix ${createHash("sha256").update(key).digest("hex").slice(0, 8)}>`;
}

/** One table: its header, its plain keys, then its sub-tables and arrays of tables (TOML order). */
function section(
  header: string | undefined,
  fields: Fields,
  value: Obj,
  segs: Segment[],
  out: string[],
  redact: boolean,
): void {
  const entries = Object.entries(fields);
  const plain = entries.filter(([, s]) => s.type !== "table" && s.type !== "list");
  if (header !== undefined && (plain.length > 0 || header.startsWith("[["))) out.push("", header);
  for (const [key, spec] of plain) out.push(redact && hidden(spec) ? redacted(key, spec) : line(key, spec, value[key]));
  for (const [key, spec] of entries) {
    const path = [...segs, key];
    if (spec.type === "table") section(`[${keyPath(path)}]`, spec.fields, (value[key] ?? {}) as Obj, path, out, redact);
    if (spec.type === "list") list(spec, (value[key] ?? []) as Obj[], path, out, redact);
  }
}

/** [[path]] per item; a comment when there are none. */
function list(spec: ListSpec, items: Obj[], path: Segment[], out: string[], redact: boolean): void {
  if (items.length === 0) out.push("", `# no [[${keyPath(path)}]] (${spec.doc})`);
  items.forEach((item, i) => {
    const shape = spec.item;
    const fields: Fields =
      shape.type === "table"
        ? shape.fields
        : {
            [shape.tag]: { type: "string", doc: `${shape.doc} ${shape.tag}` },
            ...shape.variants[String(item[shape.tag])],
          };
    section(`[[${keyPath(path)}]]`, fields, item, [...path, i], out, redact);
  });
}

/** key = value  # doc (unit); unset optional keys become a comment. */
function line(key: string, spec: Spec, v: unknown): string {
  const unit = spec.type === "int" && spec.unit !== undefined ? ` [${spec.unit}]` : "";
  const secret = spec.type === "string" && spec.secret === "path" ? "; secret file, contents not shown" : "";
  if (v === undefined) return `# ${tomlKey(key)}: not set; ${spec.doc}`;
  return `${tomlKey(key)} = ${value(v)}  # ${spec.doc}${unit}${secret}`;
}

/** Keys whose values a redacted rendering leaves out: free-form tables and secret files' paths. */
function hidden(spec: Spec): boolean {
  return spec.type === "map" || (spec.type === "string" && spec.secret === "path");
}

function redacted(key: string, spec: Spec): string {
  return `# ${tomlKey(key)}: not shown to this session; ${spec.doc}`;
}

/** A TOML literal for a config value (strings, numbers, booleans, inline tables of those). */
function value(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  const items = Object.entries(v as Obj).map(([k, x]) => `${tomlKey(k)} = ${value(x)}`);
  return items.length === 0 ? "{}" : `{ ${items.join(", ")} }`;
}
