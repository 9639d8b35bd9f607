// Writing TOML: quoting strings and keys so the parser reads back exactly the same text.

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

/** Renders a string as a TOML basic string ("..."), escaping quotes, backslashes and controls. */
export function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const simple = Object.hasOwn(SIMPLE_ESCAPES, ch) ? SIMPLE_ESCAPES[ch] : undefined;
    const code = ch.codePointAt(0) ?? 0;
    if (simple !== undefined) out += simple;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Renders one key segment: bare when it can be, quoted otherwise. */
export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}
