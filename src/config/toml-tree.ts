// Builds the parsed TOML tree and enforces TOML's rules on defining tables and keys exactly once.
import { TomlError } from "./toml-error.ts";
import { keyPath, type Segment } from "./key-path.ts";
import { LineMap } from "./toml-lines.ts";

/** A parsed TOML value. */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
/** A parsed TOML table (a plain object; keys are own properties, even "__proto__"). */
export interface TomlTable {
  [key: string]: TomlValue;
}
/** Where key/value lines currently go: a table and its path. */
export interface Target {
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
export class TreeBuilder {
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
      throw new TomlError(line, `table [${p}] is defined twice (first at line ${this.lines.at(parent, key)}); expected each [table] header once`, p);
    }
    throw new TomlError(line, `[${p}] is already ${this.describe(existing, parent, key)}; expected each table to be defined once`, p);
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
      throw new TomlError(line, `[[${keyPath(path)}]]: ${keyPath(path)} is already ${what}; expected [[...]] only for arrays of tables`, keyPath(path));
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
        throw new TomlError(line, `cannot set ${full}: ${keyPath(path)} is already ${what}; expected dotted keys to extend only tables they created`, full);
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
        throw new TomlError(line, `${keyPath(path)} is already ${what}; expected a table that a [header] can extend`, keyPath(path));
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
