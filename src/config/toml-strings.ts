// Single-line TOML strings: "basic" strings with escapes and 'literal' strings without.
import type { Cursor } from "./toml-cursor.ts";
import { isControl } from "./toml-error.ts";

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
    if (ch === "" || ch === "\n" || c.startsWith("\r\n")) c.fail("a closing \"'\" on the same line");
    if (isControl(ch)) c.fail("a printable character in a literal string");
    c.pos++;
  }
}
