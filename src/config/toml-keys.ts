// TOML keys: bare, "quoted" or 'literal' parts joined by dots (a . b . "c d").
import type { Cursor } from "./toml-cursor.ts";
import { TomlError } from "./toml-error.ts";
import { parseBasicString, parseLiteralString } from "./toml-strings.ts";

const BARE = /[A-Za-z0-9_-]+/y;

/** Parses a possibly dotted key into its parts. */
export function parseKey(c: Cursor): string[] {
  const parts = [parseSimpleKey(c)];
  for (;;) {
    c.skipSpaces();
    if (c.peek() !== ".") return parts;
    c.advance();
    c.skipSpaces();
    parts.push(parseSimpleKey(c));
  }
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
