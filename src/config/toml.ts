// Strict parser for the TOML subset clusterguard.toml needs; reports every error with its line.
//
// Why hand-written: every config error names the file, the line, the key, the value and what was expected, so the
// parser records the line of every key (LineMap); Bun.TOML.parse gives no line numbers. It is also strict: with
// loadConfig's UTF-8 check (which catches 9 of them), it refuses all 499 invalid documents of toml-test's TOML 1.0.0
// suite.
// This file holds the grammar (lines, [headers], values) and the tree it builds (TOML's define-once rules, the
// line map); toml-tokens.ts reads the tokens (strings, numbers, keys) and writes them back.
import {
  Cursor,
  TomlError,
  VALUE_FORMS,
  keyPath,
  keyUnder,
  parseBasicString,
  parseKey,
  parseLiteralString,
  parseScalar,
  type Segment,
} from "./toml-tokens.ts";

export { TomlError } from "./toml-tokens.ts";

/** Parsing stops after this many errors. */
export const MAX_ERRORS = 50;

/** The parse result: the tree and the line of every key (looked up by path segments), or all errors. */
export type TomlResult = { ok: true; value: TomlTable; lines: LineMap } | { ok: false; errors: TomlError[] };

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

// TOML values after '=': strings, scalars, arrays (multi-line allowed) and one-line inline tables.

/** Arrays and inline tables may nest at most this deep. */
export const MAX_DEPTH = 32;

/** Parses the value at the cursor; `path` is where it will live (for the line map). */
function parseValue(c: Cursor, b: TreeBuilder, path: Segment[], depth = 0): TomlValue {
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
  throw new TomlError(
    line,
    `multi-line strings are not supported; expected a single-line "string" or 'string'`,
    keyPath(path),
  );
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

// Builds the parsed TOML tree and enforces TOML's rules on defining tables and keys exactly once.

/** A parsed TOML value. */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
/** A parsed TOML table (a plain object; keys are own properties, even "__proto__"). */
export interface TomlTable {
  [key: string]: TomlValue;
}
/** Where key/value lines currently go: a table and its path. */
interface Target {
  table: TomlTable;
  path: Segment[];
}

/** How a table came to exist, which decides how it may be reopened. */
type Kind = "implicit" | "header" | "dotted" | "inline";

/** True for a table (plain object), false for scalars and arrays. */
export function isTable(v: unknown): v is TomlTable {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Own-property lookup that ignores the prototype chain. */
export function own(t: TomlTable, key: string): TomlValue | undefined {
  return Object.hasOwn(t, key) ? t[key] : undefined;
}

function define(t: TomlTable, key: string, value: TomlValue): void {
  Object.defineProperty(t, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The tree under construction plus the line map and each table's origin. */
class TreeBuilder {
  readonly root: TomlTable = {};
  readonly lines = new LineMap(this.root);
  private readonly kinds = new WeakMap<TomlTable, Kind>();
  private readonly tableArrays = new WeakSet<TomlValue[]>();

  /** Opens [a.b.c] for key/value lines that follow. */
  openTable(keys: string[], line: number): Target {
    const { parent, path } = this.walkHeader(keys, line);
    const key = keys[keys.length - 1] ?? "";
    path.push(key);
    const existing = own(parent, key);
    if (existing === undefined) return { table: this.newTable(parent, key, "header", line), path };
    if (isTable(existing) && this.kinds.get(existing) === "implicit") {
      this.kinds.set(existing, "header");
      this.lines.set(parent, key, line);
      return { table: existing, path };
    }
    const p = keyPath(path);
    if (isTable(existing) && this.kinds.get(existing) === "header") {
      throw new TomlError(
        line,
        `table [${p}] is defined twice (first at line ${this.lines.at(parent, key)}); expected each [table] header once`,
        p,
      );
    }
    throw new TomlError(
      line,
      `[${p}] is already ${this.describe(existing, parent, key)}; expected each table to be defined once`,
      p,
    );
  }

  /** Opens [[a.b]]: appends a new table to the array of tables a.b. */
  openTableArrayItem(keys: string[], line: number): Target {
    const { parent, path } = this.walkHeader(keys, line);
    const key = keys[keys.length - 1] ?? "";
    path.push(key);
    let array = own(parent, key);
    if (array === undefined) {
      array = [];
      this.tableArrays.add(array);
      define(parent, key, array);
      this.lines.set(parent, key, line);
    } else if (!Array.isArray(array) || !this.tableArrays.has(array)) {
      const what = this.describe(array, parent, key);
      throw new TomlError(
        line,
        `[[${keyPath(path)}]]: ${keyPath(path)} is already ${what}; expected [[...]] only for arrays of tables`,
        keyPath(path),
      );
    }
    const table: TomlTable = {};
    this.kinds.set(table, "header");
    path.push(array.length);
    this.lines.set(array, array.length, line);
    array.push(table);
    return { table, path };
  }

  /** Sets key (possibly dotted) = value in the target table. */
  setKey(target: Target, keys: string[], value: TomlValue, line: number): void {
    let table = target.table;
    const path = [...target.path];
    for (const key of keys.slice(0, -1)) {
      path.push(key);
      const existing = own(table, key);
      if (existing === undefined) table = this.newTable(table, key, "dotted", line);
      else if (isTable(existing) && this.kinds.get(existing) === "dotted") table = existing;
      else {
        const full = keyPath([...target.path, ...keys]);
        const what = this.describe(existing, table, key);
        throw new TomlError(
          line,
          `cannot set ${full}: ${keyPath(path)} is already ${what}; expected dotted keys to extend only tables they created`,
          full,
        );
      }
    }
    const key = keys[keys.length - 1] ?? "";
    path.push(key);
    if (Object.hasOwn(table, key)) {
      const first = this.lines.at(table, key);
      const at = first === undefined ? "" : ` (first set at line ${first})`;
      throw new TomlError(line, `duplicate key ${keyPath(path)}${at}; expected each key once per table`, keyPath(path));
    }
    define(table, key, value);
    this.lines.set(table, key, line);
  }

  /** Makes an inline table and the dotted tables inside it immutable. */
  seal(table: TomlTable): void {
    this.kinds.set(table, "inline");
    for (const v of Object.values(table)) if (isTable(v) && this.kinds.get(v) === "dotted") this.seal(v);
  }

  /** Follows all but the last header key, creating implicit tables and entering arrays of tables. */
  private walkHeader(keys: string[], line: number): { parent: TomlTable; path: Segment[] } {
    let parent = this.root;
    const path: Segment[] = [];
    for (const key of keys.slice(0, -1)) {
      path.push(key);
      const v = own(parent, key);
      if (v === undefined) parent = this.newTable(parent, key, "implicit", line);
      else if (Array.isArray(v) && this.tableArrays.has(v) && isTable(v[v.length - 1])) {
        path.push(v.length - 1);
        parent = v[v.length - 1] as TomlTable;
      } else if (isTable(v) && this.kinds.get(v) !== "inline") parent = v;
      else {
        const what = this.describe(v, parent, key);
        throw new TomlError(
          line,
          `${keyPath(path)} is already ${what}; expected a table that a [header] can extend`,
          keyPath(path),
        );
      }
    }
    return { parent, path };
  }

  private newTable(parent: TomlTable, key: string, kind: Kind, line: number): TomlTable {
    const table: TomlTable = {};
    this.kinds.set(table, kind);
    define(parent, key, table);
    if (this.lines.at(parent, key) === undefined) this.lines.set(parent, key, line);
    return table;
  }

  /** "a table defined at line 3", "an inline table (line 5)", "a value (line 7)" ... */
  private describe(v: TomlValue, parent: TomlTable, key: string): string {
    const line = this.lines.at(parent, key);
    const at = line === undefined ? "" : ` (line ${line})`;
    if (Array.isArray(v)) return this.tableArrays.has(v) ? `an array of tables${at}` : `an array value${at}`;
    if (!isTable(v)) return `a value${at}`;
    const kind = this.kinds.get(v);
    if (kind === "inline") return `an inline table${at}`;
    if (kind === "dotted") return `a table created by dotted keys${at}`;
    return `a table${at}`;
  }
}

// Where each key was written: lines are stored per table or array, so parsing never builds a key's dotted path.

/** Line numbers of keys, tables and array elements, looked up by their path segments. */
export class LineMap {
  private readonly byContainer = new Map<object, Map<Segment, number>>();

  constructor(private readonly root: object) {}

  /** Records the line of `seg` inside `container` (a table or an array). */
  set(container: object, seg: Segment, line: number): void {
    let m = this.byContainer.get(container);
    if (m === undefined) this.byContainer.set(container, (m = new Map()));
    m.set(seg, line);
  }

  /** The line of `seg` inside `container`, when the file mentions it. */
  at(container: object, seg: Segment): number | undefined {
    return this.byContainer.get(container)?.get(seg);
  }

  /** The line of the key at `segs` (["node", 0, "name"]), when the file mentions it. */
  get(segs: readonly Segment[]): number | undefined {
    let container: unknown = this.root;
    for (const [i, seg] of segs.entries()) {
      if (typeof container !== "object" || container === null) return undefined;
      if (i === segs.length - 1) return this.at(container, seg);
      container = child(container, seg);
    }
    return undefined;
  }

  /** True when the file mentions the key at `segs`. */
  has(segs: readonly Segment[]): boolean {
    return this.get(segs) !== undefined;
  }

  /** Every recorded key as [dotted path, line], e.g. ["node[0].name", 5]. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    const stack: [object, Segment[]][] = [[this.root, []]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [container, path] = top;
      for (const [seg, line] of this.byContainer.get(container) ?? []) {
        yield [keyPath([...path, seg]), line];
        const v = child(container, seg);
        if (typeof v === "object" && v !== null) stack.push([v, [...path, seg]]);
      }
    }
  }
}

/** The own property or element `seg` of a table or array. */
function child(container: object, seg: Segment): unknown {
  if (Array.isArray(container)) return typeof seg === "number" ? container[seg] : undefined;
  return typeof seg === "string" && Object.hasOwn(container, seg)
    ? (container as Record<string, unknown>)[seg]
    : undefined;
}
