// TOML tokens, both ways: reading strings, numbers and keys at a cursor (failing with a TomlError that says what
// was expected), and writing strings, keys and values back so the parser reads exactly the same text.
// The grammar of lines, tables and values, and the tree they build, are in toml.ts.

// The one error type of the TOML parser: a line number and a message saying what was expected.

/** A TOML syntax or structure error at a 1-based line; `key` is the dotted key path when known. */
export class TomlError extends Error {
  override readonly name = "TomlError";
  constructor(
    readonly line: number,
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

/** True for characters TOML forbids outside escapes: C0 controls except tab, and DEL. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && ch !== "\t") || code === 0x7f;
}

/** Describes what sits at `pos` for a "found ..." message: a short token, a character or end of line/file. */
function describeFound(src: string, pos: number): string {
  if (pos >= src.length) return "end of file";
  const ch = src[pos] ?? "";
  if (ch === "\n" || (ch === "\r" && src[pos + 1] === "\n")) return "end of line";
  if (isControl(ch)) return `control character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const token = /^[^\s#,=[\]{}"']+/.exec(src.slice(pos, pos + 41))?.[0];
  if (token === undefined) return `'${ch}'`;
  return token.length > 40 ? `'${token.slice(0, 40)}...'` : `'${token}'`;
}

// A read position in TOML source that counts lines and knows how to fail with "expected X, found Y".

/** Scans TOML text one character at a time; `line` is 1-based. */
export class Cursor {
  pos = 0;
  line = 1;
  constructor(readonly src: string) {}

  /** The character at pos + offset, or "" past the end. */
  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  /** Consumes one character (counting newlines) and returns it. */
  advance(): string {
    const ch = this.peek();
    if (ch === "\n") this.line++;
    this.pos++;
    return ch;
  }

  /** Skips spaces and tabs (never newlines). */
  skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  /** True at end of file or at a newline (\n or \r\n). */
  atLineEnd(): boolean {
    return this.eof() || this.peek() === "\n" || this.startsWith("\r\n");
  }

  /** Consumes a newline if there is one; returns whether it did. */
  newline(): boolean {
    if (this.startsWith("\r\n")) this.pos++;
    if (this.peek() !== "\n") return false;
    this.advance();
    return true;
  }

  /** Skips a # comment up to (not including) the end of line; comments may not hold control characters. */
  skipComment(): void {
    if (this.peek() !== "#") return;
    while (!this.atLineEnd()) {
      if (isControl(this.peek())) this.fail("printable characters in a comment");
      this.pos++;
    }
  }

  /** Skips spaces, comments and newlines (inside arrays). */
  skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.eof() || !this.newline()) return;
    }
  }

  /** Requires the end of the line after optional spaces and a comment; leaves the newline unread. */
  expectLineEnd(after: string): void {
    this.skipSpaces();
    this.skipComment();
    if (!this.atLineEnd()) this.fail(`end of line after ${after}`);
  }

  /** Skips the rest of the current line, newline included (error recovery). */
  skipLine(): void {
    while (!this.eof() && this.peek() !== "\n") this.pos++;
    if (!this.eof()) this.advance();
  }

  /** Throws a TomlError "expected <expected>, found <what is here>". */
  fail(expected: string): never {
    throw new TomlError(this.line, `expected ${expected}, found ${describeFound(this.src, this.pos)}`);
  }
}

// Single-line TOML strings: "basic" strings with escapes and 'literal' strings without.

const SIMPLE: ReadonlyMap<string, string> = new Map([
  ["b", "\b"],
  ["t", "\t"],
  ["n", "\n"],
  ["f", "\f"],
  ["r", "\r"],
  ['"', '"'],
  ["\\", "\\"],
]);
const HEX4 = /^[0-9A-Fa-f]{4}$/;
const HEX8 = /^[0-9A-Fa-f]{8}$/;
const ESCAPES = '\\" \\\\ \\b \\t \\n \\f \\r \\uXXXX or \\UXXXXXXXX';

/** Parses "..." at the cursor (which sits on the opening quote). */
export function parseBasicString(c: Cursor): string {
  c.advance();
  // Runs of plain characters are sliced whole and joined once at the end.
  const parts: string[] = [];
  let run = c.pos;
  for (;;) {
    const ch = c.peek();
    if (ch === '"') {
      parts.push(c.src.slice(run, c.pos));
      c.advance();
      return parts.join("");
    }
    if (ch === "" || ch === "\n" || c.startsWith("\r\n")) c.fail(`a closing '"' on the same line`);
    if (ch === "\\") {
      parts.push(c.src.slice(run, c.pos), parseEscape(c));
      run = c.pos;
    } else if (isControl(ch)) c.fail("a printable character or an escape sequence in a string");
    else c.pos++;
  }
}

/** Parses one backslash escape; the cursor sits on the backslash. */
function parseEscape(c: Cursor): string {
  c.pos++;
  const e = c.peek();
  const simple = SIMPLE.get(e);
  if (simple !== undefined) {
    c.pos++;
    return simple;
  }
  if (e !== "u" && e !== "U") c.fail(`an escape sequence (${ESCAPES}) after '\\'`);
  const digits = e === "u" ? 4 : 8;
  const hex = c.src.slice(c.pos + 1, c.pos + 1 + digits);
  c.pos++;
  if (!(digits === 4 ? HEX4 : HEX8).test(hex)) c.fail(`${digits} hex digits after \\${e}`);
  const code = Number.parseInt(hex, 16);
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    c.fail(`a Unicode scalar value (not a surrogate, at most 10FFFF) after \\${e}`);
  }
  c.pos += digits;
  return String.fromCodePoint(code);
}

/** Parses '...' at the cursor: no escapes, no newlines. */
export function parseLiteralString(c: Cursor): string {
  c.advance();
  const start = c.pos;
  for (;;) {
    const ch = c.peek();
    if (ch === "'") {
      const s = c.src.slice(start, c.pos);
      c.advance();
      return s;
    }
    if (ch === "" || ch === "\n" || c.startsWith("\r\n")) c.fail('a closing "\'" on the same line');
    if (isControl(ch)) c.fail("a printable character in a literal string");
    c.pos++;
  }
}

// Unquoted TOML values: integers, floats, booleans; dates are recognised only to be refused.

const WORD = /[0-9A-Za-z_+\-.:]+/y;
const DEC = /^[+-]?(?:0|[1-9](?:_?[0-9])*)$/;
const PREFIXED = /^0(?:x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|o[0-7](?:_?[0-7])*|b[01](?:_?[01])*)$/;
const FLOAT = /^[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const SPECIAL = /^[+-]?(?:inf|nan)$/;
const DATE = /^(?:\d{4}-\d{2}-\d{2}|\d{2}:\d{2})/;
const NUMBER_FORMS = "a number (integer like 42, -7, 1_000 or 0x1F; float like 3.14, 1e3, inf or nan)";
/** The value forms, for "expected ..." where a value should start. */
export const VALUE_FORMS = "a value (\"string\", 'string', number, true/false, [array] or { inline table })";

/** Parses a bare word at the cursor as a boolean, integer or float. */
export function parseScalar(c: Cursor): boolean | number {
  WORD.lastIndex = c.pos;
  const word = WORD.exec(c.src)?.[0];
  if (word === undefined) c.fail(VALUE_FORMS);
  const value = classify(word, c);
  c.pos += word.length;
  return value;
}

/** Turns one bare word into its value, or fails saying which form was expected. */
function classify(word: string, c: Cursor): boolean | number {
  if (word === "true") return true;
  if (word === "false") return false;
  if (DATE.test(word)) {
    throw new TomlError(
      c.line,
      `dates and times are not supported, found '${word}'; expected a "quoted string" or a number`,
    );
  }
  if (DEC.test(word) || PREFIXED.test(word)) return integer(word, c);
  if (SPECIAL.test(word)) return word.endsWith("inf") ? (word.startsWith("-") ? -Infinity : Infinity) : NaN;
  const hasPoint = word.includes(".") || (!/^0x/.test(word) && /[eE]/.test(word));
  if (FLOAT.test(word) && hasPoint) return Number(word.replaceAll("_", ""));
  c.fail(/^[+\-0-9]/.test(word) ? NUMBER_FORMS : VALUE_FORMS);
}

/** Converts an integer literal, refusing values JavaScript cannot hold exactly. */
function integer(word: string, c: Cursor): number {
  const n = Number(word.replaceAll("_", ""));
  if (!Number.isSafeInteger(n)) {
    throw new TomlError(c.line, `integer ${word} is out of range; expected an integer between -(2^53-1) and 2^53-1`);
  }
  return n === 0 ? 0 : n;
}

// TOML keys: bare, "quoted" or 'literal' parts joined by dots (a . b . "c d").

const BARE = /[A-Za-z0-9_-]+/y;

/**
 * Keys nest at most this deep, counting header, dotted and inline-table levels (the schema needs 4): it bounds
 * the work per key, so parsing stays linear in the size of the file.
 */
export const MAX_KEY_DEPTH = 32;

/** Parses a possibly dotted key into its parts. */
export function parseKey(c: Cursor): string[] {
  const line = c.line;
  const parts = [parseSimpleKey(c)];
  for (;;) {
    c.skipSpaces();
    if (c.peek() !== ".") return parts;
    if (parts.length >= MAX_KEY_DEPTH) throw tooDeep(line, parts);
    c.advance();
    c.skipSpaces();
    parts.push(parseSimpleKey(c));
  }
}

/** The path of `keys` under `base`, refused when it nests deeper than MAX_KEY_DEPTH. */
export function keyUnder(c: Cursor, base: readonly Segment[], keys: readonly string[]): Segment[] {
  const path = [...base, ...keys];
  if (path.length > MAX_KEY_DEPTH) throw tooDeep(c.line, path);
  return path;
}

function tooDeep(line: number, path: readonly Segment[]): TomlError {
  const shown = `${keyPath(path.slice(0, 4))}...`;
  return new TomlError(
    line,
    `the key ${shown} nests more than ${MAX_KEY_DEPTH} levels deep; expected keys nested at most ${MAX_KEY_DEPTH} deep`,
    shown,
  );
}

/** One key part. */
function parseSimpleKey(c: Cursor): string {
  if (c.startsWith('"""') || c.startsWith("'''")) {
    throw new TomlError(c.line, `multi-line strings cannot be keys; expected a bare key, "quoted" or 'literal' key`);
  }
  if (c.peek() === '"') return parseBasicString(c);
  if (c.peek() === "'") return parseLiteralString(c);
  BARE.lastIndex = c.pos;
  const bare = BARE.exec(c.src)?.[0];
  if (bare === undefined) c.fail(`a key (bare letters, digits, _ and -, or "quoted")`);
  c.pos += bare.length;
  return bare;
}

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

// Dotted key paths shared by the parser's line map and the validator's messages: node[0].name.

/** One step of a key path: a table key or an array index. */
export type Segment = string | number;

/** Formats segments as a dotted path, e.g. ["node", 0, "name"] -> "node[0].name". */
export function keyPath(segments: readonly Segment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? tomlKey(s) : `.${tomlKey(s)}`;
  }
  return out;
}

// Values as TOML would write them, for messages.

const MAX_SHOWN = 60;

/** Shows a value as TOML would write it, shortened to about 60 characters. */
export function showValue(v: unknown): string {
  const s = show(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}...` : s;
}

function show(v: unknown): string {
  if (typeof v === "string") return tomlString(v);
  if (typeof v === "number")
    return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (typeof v === "object" && v !== null) {
    const items = Object.entries(v).map(([k, x]) => `${tomlKey(k)} = ${show(x)}`);
    return items.length === 0 ? "{}" : `{ ${items.join(", ")} }`;
  }
  return String(v);
}
