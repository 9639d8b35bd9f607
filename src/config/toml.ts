// Strict parser for the TOML subset clusterguard.toml needs; reports every error with its line.
import { Cursor } from "./toml-cursor.ts";
import { TomlError } from "./toml-error.ts";
import { keyPath } from "./key-path.ts";
import { keyUnder, parseKey } from "./toml-keys.ts";
import { parseValue } from "./toml-values.ts";
import type { LineMap } from "./toml-lines.ts";
import { TreeBuilder, type Target, type TomlTable } from "./toml-tree.ts";
import { VALUE_FORMS } from "./toml-scalars.ts";

export { TomlError } from "./toml-error.ts";
export type { TomlTable, TomlValue } from "./toml-tree.ts";

/** Parsing stops after this many errors. */
export const MAX_ERRORS = 50;

/** The parse result: the tree and the line of every key (looked up by path segments), or all errors. */
export type TomlResult =
  | { ok: true; value: TomlTable; lines: LineMap }
  | { ok: false; errors: TomlError[] };

/** Parses TOML text; never throws, collects errors line by line. */
export function parse(src: string): TomlResult {
  const c = new Cursor(src);
  const b = new TreeBuilder();
  const errors: TomlError[] = [];
  // undefined after a bad header: the keys under it are still checked, then discarded.
  let target: Target | undefined = { table: b.root, path: [] };
  while (!c.eof()) {
    c.skipSpaces();
    const isHeader = c.peek() === "[";
    try {
      target = statement(c, b, target);
      c.newline();
    } catch (e) {
      if (!(e instanceof TomlError)) throw e;
      errors.push(e);
      if (isHeader) target = undefined;
      c.skipLine();
      if (errors.length >= MAX_ERRORS) {
        errors.push(new TomlError(c.line, `stopped after ${MAX_ERRORS} errors; expected fewer errors`));
        break;
      }
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: b.root, lines: b.lines };
}

/** One line (its newline left unread): blank, comment, [table], [[array]] or key = value. */
function statement(c: Cursor, b: TreeBuilder, target: Target | undefined): Target | undefined {
  if (c.peek() === "#" || c.atLineEnd()) {
    c.expectLineEnd("a comment");
    return target;
  }
  if (c.peek() === "[") return header(c, b);
  if (target === undefined) keyValue(c, new TreeBuilder(), { table: {}, path: [] });
  else keyValue(c, b, target);
  return target;
}

/** [a.b] or [[a.b]]: the table the following key/value lines go to. */
function header(c: Cursor, b: TreeBuilder): Target {
  const line = c.line;
  c.advance();
  const isArray = c.peek() === "[";
  if (isArray) c.advance();
  c.skipSpaces();
  const keys = parseKey(c);
  c.skipSpaces();
  const close = isArray ? "]]" : "]";
  if (!c.startsWith(close)) c.fail(`'${close}' to close the ${isArray ? "[[array of tables]]" : "[table]"} header`);
  c.pos += close.length;
  c.expectLineEnd(`the header ${isArray ? "[[" : "["}${keyPath(keys)}${close}`);
  return isArray ? b.openTableArrayItem(keys, line) : b.openTable(keys, line);
}

/** key = value, recorded with the line the key is on. */
function keyValue(c: Cursor, b: TreeBuilder, target: Target): void {
  const line = c.line;
  const keys = parseKey(c);
  const path = keyUnder(c, target.path, keys);
  c.skipSpaces();
  if (c.peek() !== "=") c.fail(`'=' after the key ${keyPath(path)}`);
  c.advance();
  c.skipSpaces();
  if (c.atLineEnd() || c.peek() === "#") c.fail(`${VALUE_FORMS} after '='`);
  const value = parseValue(c, b, path);
  c.expectLineEnd(`the value of ${keyPath(path)}`);
  b.setKey(target, keys, value, line);
}
