// Shared helpers for the export tests: configs from TOML text, the export of a config that must export (or be
// refused), and a CIB's primitives read back as data.
import { formatConfigError, loadConfigText } from "../../src/config/index.ts";
import { type ExportFile, type ExportNote, exportPacemaker } from "../../src/export/index.ts";

/** A valid base: two nodes with addresses and one qmp level (tests append tables to it). */
export const BASE = `[cluster]
name = "t"

[[node]]
name = "a"
priority = 200
address = "10.0.0.1"

[[node]]
name = "b"
priority = 100
address = "10.0.0.2"

[[fencing.level]]
type = "qmp"
device = "/dev/virtio-ports/fence"
`;

/** The export of a config text that must be valid; the result as it comes. */
export function exportText(text: string, file = "t.toml") {
  const c = loadConfigText(text, file);
  if (!c.ok) throw new Error(`expected a valid config:\n${c.errors.map(formatConfigError).join("\n")}`);
  return exportPacemaker(c.config, { source: file, lines: c.lines });
}

/** The files and notes of a config text that must export. */
export function exported(text: string, file = "t.toml"): { files: Record<string, string>; notes: ExportNote[] } {
  const r = exportText(text, file);
  if (!r.ok) throw new Error(`expected an export:\n${r.errors.map(formatConfigError).join("\n")}`);
  return { files: Object.fromEntries(r.files.map((f: ExportFile) => [f.name, f.text])), notes: r.notes };
}

/** The formatted errors of a config text the export must refuse. */
export function refused(text: string, file = "t.toml"): string[] {
  const r = exportText(text, file);
  if (r.ok) throw new Error("expected the export to be refused");
  return r.errors.map(formatConfigError);
}

/** One primitive of a CIB, read back: its attributes, instance and meta attributes, and operations. */
export interface ReadPrimitive {
  attrs: Record<string, string>;
  params: Record<string, string>;
  meta: Record<string, string>;
  ops: Record<string, string>[];
}

/** The primitives of a CIB written by the export, by id (a reader for this writer's layout, not a general parser). */
export function primitives(cib: string): Map<string, ReadPrimitive> {
  const out = new Map<string, ReadPrimitive>();
  for (const m of cib.matchAll(/<primitive ([^>]*)>([\s\S]*?)<\/primitive>/g)) {
    const attrs = attributes(m[1] ?? "");
    const body = m[2] ?? "";
    const pairs = (tag: string) => {
      const block = new RegExp(`<${tag} [^>]*>([\\s\\S]*?)</${tag}>`).exec(body)?.[1] ?? "";
      return Object.fromEntries(
        [...block.matchAll(/<nvpair ([^>]*)\/>/g)].map((p) => {
          const a = attributes(p[1] ?? "");
          return [a.name ?? "", a.value ?? ""];
        }),
      );
    };
    const ops = [...body.matchAll(/<op ([^>]*)\/>/g)].map((o) => attributes(o[1] ?? ""));
    out.set(attrs.id ?? "", { attrs, params: pairs("instance_attributes"), meta: pairs("meta_attributes"), ops });
  }
  return out;
}

/** The attributes of one start tag, unescaped. */
export function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1] ?? ""] = unescapeXml(m[2] ?? "");
  return out;
}

/** Every start tag of `tag` in a document, its attributes unescaped. */
export function tags(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag} ([^>]*?)/?>`, "g"))].map((m) => attributes(m[1] ?? ""));
}

function unescapeXml(s: string): string {
  return s.replace(/&(quot|lt|gt|amp|#9|#10|#13);/g, (_, e: string) =>
    e === "quot"
      ? '"'
      : e === "lt"
        ? "<"
        : e === "gt"
          ? ">"
          : e === "amp"
            ? "&"
            : String.fromCharCode(Number(e.slice(1))),
  );
}
