// TOML keys: bare, "quoted" or 'literal' parts joined by dots (a . b . "c d").
import type { Cursor } from "./toml-cursor.ts";
import { TomlError } from "./toml-error.ts";
import { keyPath, type Segment } from "./key-path.ts";
import { parseBasicString, parseLiteralString } from "./toml-strings.ts";

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
  return new TomlError(line, `the key ${shown} nests more than ${MAX_KEY_DEPTH} levels deep; expected keys nested at most ${MAX_KEY_DEPTH} deep`, shown);
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
