// clusterguard.toml(5), rendered from the schema (src/config/schema): every table in file order, every key with what
// it is for, what it accepts and its default, exactly as validation knows them; then the rules between keys, the
// renamed keys, and the example configuration.
import { VERSION } from "../cli/version.ts";
import { SCHEMA } from "../config/schema/index.ts";
import { expected, type Fields, type Spec, type TableSpec } from "../config/schema/spec.ts";
import { arg, bold, example, header, italic, text } from "./roff.ts";

const sentence = (s: string) => `${s[0]?.toUpperCase() ?? ""}${s.slice(1)}${/[.!?]$/.test(s) ? "" : "."}`;

/** The value's kind after "key =". */
function kind(spec: Spec): string {
  switch (spec.type) {
    case "int":
      return italic("integer");
    case "string":
      return italic(spec.secret === "path" ? "path" : "string");
    case "bool":
      return `${bold("true")}|${bold("false")}`;
    case "enum":
      return spec.values.map((v) => bold(typeof v === "string" ? JSON.stringify(v) : String(v))).join("|");
    case "array":
      return `[${spec.item.type === "enum" ? italic(spec.item.doc) : kind(spec.item)}, ...]`;
    default:
      return italic("table");
  }
}

/** The default as TOML, or what it is in words. */
function defaultOf(spec: Spec): string | undefined {
  if (!("default" in spec) || spec.default === undefined) return undefined;
  if (spec.default === "index" && spec.type === "int") return "the node's position among the [[node]] tables (0, 1)";
  if (spec.type === "array" && spec.item.type === "enum" && spec.default.length === spec.item.values.length)
    return `every ${spec.item.doc}`;
  if (Array.isArray(spec.default)) return `[${spec.default.map((v) => JSON.stringify(v)).join(", ")}]`;
  return typeof spec.default === "string" ? JSON.stringify(spec.default) : String(spec.default);
}

/** One key as a tagged paragraph: what it is for, what it accepts, its default. */
function keyItem(key: string, spec: Spec): string[] {
  const facts = [sentence(spec.doc), sentence(`Accepts ${expected(spec)}`)];
  const def = defaultOf(spec);
  if (spec.required) facts.push("Required.");
  else if (def !== undefined) facts.push(`Default: ${def}.`);
  else facts.push("Optional; no default.");
  if (spec.type === "string" && spec.secret === "path")
    facts.push("A secret file: a regular file owned by root, mode 0600 or stricter; its contents are never shown.");
  return [".TP", `${bold(key)} = ${kind(spec)}`, text(facts.join(" "))];
}

/** One table's section: its header, its doc, then its plain keys; nested tables and lists follow as their own. */
function tableSections(head: string, doc: string, fields: Fields, path: string, intro: string[] = []): string[] {
  const entries = Object.entries(fields);
  const plain = entries.filter(([, s]) => s.type !== "table" && s.type !== "list");
  const out: string[] = [];
  if (plain.length > 0 || head.startsWith("[[")) {
    out.push(`.SS ${arg(text(head))}`, text(sentence(doc)), ...intro);
    if (plain.length === 0) out.push(".PP", "No other keys.");
    for (const [key, spec] of plain) out.push(...keyItem(key, spec));
  }
  for (const [key, spec] of entries) out.push(...nested(`${path}${path ? "." : ""}${key}`, spec));
  return out;
}

/** The sections of a nested table or list of tables. */
function nested(path: string, spec: Spec): string[] {
  if (spec.type === "table") return tableSections(`[${path}]`, spec.doc, spec.fields, path);
  if (spec.type !== "list") return [];
  const count = spec.expect !== undefined && spec.min !== undefined ? [".PP", text(sentence(spec.expect))] : [];
  const item = spec.item;
  if (item.type === "table") return tableSections(`[[${path}]]`, spec.doc, item.fields, path, count);
  const tags = Object.keys(item.variants);
  const out = [
    `.SS ${arg(text(`[[${path}]]`))}`,
    text(sentence(spec.doc)),
    ".PP",
    `${text("Each table's")} ${bold(item.tag)} ${text(`says which kind of ${item.doc} it is, one of`)} ${tags.map((t) => bold(JSON.stringify(t))).join(", ")}; ${text("the other keys depend on it:")}`,
  ];
  for (const tag of tags) {
    out.push(
      ...tableSections(`[[${path}]] ${item.tag} = "${tag}"`, `${item.doc} ${tag}`, item.variants[tag] ?? {}, path),
    );
  }
  return out;
}

/** Keys whose name changed: what to write instead. */
function renamedKeys(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (spec: TableSpec, path: string) => {
    for (const [old, now] of Object.entries(spec.renamed ?? {})) out.push([path ? `${path}.${old}` : old, now]);
    for (const [key, s] of Object.entries(spec.fields)) if (s.type === "table") walk(s, path ? `${path}.${key}` : key);
  };
  walk(SCHEMA, "");
  return out;
}

// The rules validation applies between keys (src/config/schema/*.ts, the check* functions).
const RULES = [
  "timers: deadtime > 2 x keepalive; keepalive < warntime < deadtime; initdead >= deadtime; handoff_grace >= deadtime.",
  "The two [[node]] tables differ in name, disk_slot, address, machine_uuid and machine_mac; with channels.udp enabled each has an address.",
  "At least one heartbeat channel is enabled (one alone is warned about); channels.disk.device is required when channels.disk is enabled.",
  'A "poison-pill" level needs channels.disk enabled and msgwait >= 2 x watchdog_timeout (in ms).',
  "fencing.wait_for_all = false with channels.disk off is warned about (a fence loop is possible); no [[fencing.level]] is warned about too.",
  "management.tcp_listen needs token_file, tls_cert and tls_key.",
  "web.listen needs web.tls_cert, web.tls_key and management.token_file (the login token), and differs from management.tcp_listen.",
  "[[monitor]] names differ, and each timeout is less than its interval.",
  "[[resource]] names (given or derived) differ; an ip resource's address is no node's heartbeat address.",
  "[[notify]] commands differ.",
];

/** The whole page; `exampleText` is the example configuration shipped with the package. */
export function renderConfigPage(exampleText: string): string {
  const lines = [
    ...header("clusterguard.toml", 5, VERSION, "File Formats", "src/manual/config-page.ts from the config schema"),
    ".SH NAME",
    "clusterguard.toml \\- clusterguard configuration file",
    ".SH SYNOPSIS",
    italic("/etc/clusterguard/clusterguard.toml"),
    ".SH DESCRIPTION",
    text(
      "The one configuration of a clusterguard pair, in TOML; both nodes read the same file, and which node a machine is " +
        "comes from its boot entry (rd.clusterguard.node=NAME). The file is parsed, never evaluated. Unknown keys are " +
        "errors, and every error names the file, line, key, the bad value and what was expected.",
    ),
    ".PP",
    `${bold("clusterguard config check")} ${text("validates it and prints the effective configuration, defaults filled in. The guard initrd carries its own copy: after an edit, run")} ${bold("clusterguard initrd regenerate")}${text(".")}`,
    ".PP",
    text("Times are in milliseconds unless a key says otherwise. The tables and their keys, in file order:"),
    ".SH KEYS",
    ...tableSections("", SCHEMA.doc, SCHEMA.fields, ""),
    ".SH RULES BETWEEN KEYS",
    ...RULES.flatMap((r) => [".IP \\(bu 2", text(r)]),
    ".SH RENAMED KEYS",
    text("These keys are refused, with what to write instead:"),
    ...renamedKeys().flatMap(([old, now]) => [".TP", bold(old), text(now)]),
    ".SH EXAMPLE",
    ...example(exampleText.replace(/\n+$/, "").split("\n")),
    ".SH FILES",
    ".TP",
    italic("/etc/clusterguard/clusterguard.toml"),
    "The configuration.",
    ".TP",
    italic("/usr/share/doc/clusterguard/examples/clusterguard.toml"),
    "The example above.",
    ".SH SEE ALSO",
    `${bold("clusterguard")}(8)`,
  ];
  return `${lines.join("\n")}\n`;
}
