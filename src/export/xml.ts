// Writing XML from config text: escaping (names and values come from the config), the characters XML cannot hold at
// all, comments, a small element tree rendered with two-space indentation, and the CIB's ids (XML IDs, unique).

/** A character XML 1.0 cannot hold even escaped: C0 controls but tab, LF, CR; U+FFFE, U+FFFF; a lone surrogate. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** True when `s` holds a character no XML document can carry. */
export function notXmlText(s: string): boolean {
  return NOT_XML_CHAR.test(s);
}

/**
 * `s` as an attribute value between double quotes: & < > " escaped, and tab, LF, CR as character references (an
 * attribute's white space is otherwise normalised to spaces on reading). Text XML cannot hold is a programming
 * error here: the export refuses it before any XML is written.
 */
export function escapeAttr(s: string): string {
  if (notXmlText(s)) throw new Error(`text XML cannot hold reached the XML writer: ${JSON.stringify(s)}`);
  return s.replace(/[&<>"\t\n\r]/g, (c) => ATTR_ESCAPES[c] ?? c);
}

const ATTR_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** A comment: "--" cannot appear inside one, nor a "-" at its end, so those get a space. */
export function xmlComment(text: string): string {
  const safe = text.replace(/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "?").replace(/--/g, "- -");
  return `<!-- ${safe.endsWith("-") ? `${safe} ` : safe} -->`;
}

/** An element: its attributes in order (undefined ones left out), then its children (elements or comments). */
export interface Element {
  tag: string;
  attrs: [string, string | number | undefined][];
  children: (Element | { comment: string })[];
}

/** Builds an element; attributes keep the order of the object's keys. */
export function el(
  tag: string,
  attrs: Record<string, string | number | undefined> = {},
  children: (Element | { comment: string })[] = [],
): Element {
  return { tag, attrs: Object.entries(attrs), children };
}

/** The element as indented XML text, one element or comment per line. */
export function render(e: Element, depth = 0): string {
  const pad = "  ".repeat(depth);
  const attrs = e.attrs
    .filter((a): a is [string, string | number] => a[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join("");
  if (e.children.length === 0) return `${pad}<${e.tag}${attrs}/>\n`;
  const inner = e.children
    .map((c) => ("comment" in c ? `${pad}  ${xmlComment(c.comment)}\n` : render(c, depth + 1)))
    .join("");
  return `${pad}<${e.tag}${attrs}>\n${inner}${pad}</${e.tag}>\n`;
}

/**
 * The document's ids. An id is an XML ID (a letter or "_" first, then letters, digits, ".", "-", "_"), made from a
 * config name ("ip 10.0.0.5/24" -> "ip-10.0.0.5-24") and unique in the document ("-2", "-3" on a clash).
 */
export class Ids {
  private readonly taken = new Set<string>();

  /** An id for `wanted`; `prefix` goes first when the name does not start with a letter ("9web" -> "rsc-9web"). */
  take(wanted: string, prefix = "id"): string {
    let base = wanted.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
    if (!/^[A-Za-z_]/.test(base)) base = base === "" ? prefix : `${prefix}-${base}`;
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}-${n}`;
    this.taken.add(id);
    return id;
  }
}
