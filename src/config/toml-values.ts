// TOML values after '=': strings, scalars, arrays (multi-line allowed) and one-line inline tables.
import type { Cursor } from "./toml-cursor.ts";
import { TomlError } from "./toml-error.ts";
import { keyPath, type Segment } from "./key-path.ts";
import { parseBasicString, parseLiteralString } from "./toml-strings.ts";
import { parseScalar } from "./toml-scalars.ts";
import { keyUnder, parseKey } from "./toml-keys.ts";
import type { TomlTable, TomlValue, TreeBuilder } from "./toml-tree.ts";

/** Arrays and inline tables may nest at most this deep. */
export const MAX_DEPTH = 32;

/** Parses the value at the cursor; `path` is where it will live (for the line map). */
export function parseValue(c: Cursor, b: TreeBuilder, path: Segment[], depth = 0): TomlValue {
  if (depth > MAX_DEPTH) c.fail(`arrays and inline tables nested at most ${MAX_DEPTH} deep`);
  if (c.startsWith('"""') || c.startsWith("'''")) refuseMultiline(c, path);
  const ch = c.peek();
  if (ch === '"') return parseBasicString(c);
  if (ch === "'") return parseLiteralString(c);
  if (ch === "[") return parseArray(c, b, path, depth);
  if (ch === "{") return parseInlineTable(c, b, path, depth);
  return parseScalar(c);
}

/** Throws for a multi-line string, first moving past its closing quotes so parsing resumes after it. */
function refuseMultiline(c: Cursor, path: Segment[]): never {
  const line = c.line;
  const quotes = c.src.slice(c.pos, c.pos + 3);
  const end = c.src.indexOf(quotes, c.pos + 3);
  const stop = end < 0 ? c.pos + 3 : end + 3;
  while (c.pos < stop) c.advance();
  throw new TomlError(line, `multi-line strings are not supported; expected a single-line "string" or 'string'`, keyPath(path));
}

/** [a, b, c]: may span lines, hold comments and end with a trailing comma. */
function parseArray(c: Cursor, b: TreeBuilder, path: Segment[], depth: number): TomlValue[] {
  c.advance();
  const out: TomlValue[] = [];
  for (;;) {
    c.skipBlank();
    if (c.peek() === "]") break;
    b.lines.set(out, out.length, c.line);
    out.push(parseValue(c, b, [...path, out.length], depth + 1));
    c.skipBlank();
    if (c.peek() === ",") c.advance();
    else if (c.peek() !== "]") c.fail("',' or ']' after an array element");
  }
  c.advance();
  return out;
}

/** { k = v, a.b = w }: one line, no trailing comma (TOML 1.0); sealed against later changes. */
function parseInlineTable(c: Cursor, b: TreeBuilder, path: Segment[], depth: number): TomlTable {
  c.advance();
  const target = { table: {} as TomlTable, path };
  c.skipSpaces();
  if (c.peek() === "}") {
    c.advance();
    b.seal(target.table);
    return target.table;
  }
  for (;;) {
    const line = c.line;
    const keys = parseKey(c);
    const full = keyUnder(c, path, keys);
    c.skipSpaces();
    if (c.peek() !== "=") c.fail(`'=' after the key ${keyPath(full)}`);
    c.advance();
    c.skipSpaces();
    const value = parseValue(c, b, full, depth + 1);
    b.setKey(target, keys, value, line);
    c.skipSpaces();
    if (c.peek() === "}") break;
    if (c.peek() !== ",") c.fail("',' or '}' in an inline table (inline tables must fit on one line)");
    c.advance();
    c.skipSpaces();
    if (c.peek() === "}") c.fail("another key after ',' (no trailing comma in an inline table)");
    if (c.atLineEnd()) c.fail("the next key on the same line (inline tables must fit on one line)");
  }
  c.advance();
  b.seal(target.table);
  return target.table;
}
