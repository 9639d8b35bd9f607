import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, TomlError } from "../../src/config/toml.ts";

/** The first error for `text`, as "line: message". */
function errorOf(text: string): string {
  const r = parse(text);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  const e = r.errors[0] as TomlError;
  assert.instance(e, TomlError);
  return `${e.line}: ${e.message}`;
}

/** Asserts the error is on `line` and mentions every fragment. */
function fails(text: string, line: number, ...fragments: string[]): void {
  const msg = errorOf(text);
  assert.ok(msg.startsWith(`${line}: `), `wanted line ${line}: ${msg}`);
  assert.ok(msg.includes("expected"), `no "expected" in: ${msg}`);
  for (const f of fragments) assert.ok(msg.includes(f), `wanted ${JSON.stringify(f)} in: ${msg}`);
}

test("duplicate keys name the key and the line it was first set on", () => {
  fails("a = 1\n\na = 2\n", 3, "duplicate key a", "first set at line 1");
  fails("[t]\nx.y = 1\nx.y = 2\n", 3, "duplicate key t.x.y", "line 2");
});

test("a table defined twice is refused", () => {
  fails("[t]\nx = 1\n[t]\n", 3, "table [t] is defined twice (first at line 1)");
});

test("a table created by dotted keys cannot be reopened by a header", () => {
  fails("[f]\na.b = 1\n[f.a]\n", 3, "dotted keys");
});

test("dotted keys cannot extend a value, an inline table or a header table", () => {
  fails("a = 1\na.b = 2\n", 2, "cannot set a.b", "a value (line 1)");
  fails("a = { x = 1 }\na.y = 2\n", 2, "inline table");
  fails("[a.b]\n[a]\nb.c = 1\n", 3, "cannot set a.b.c");
});

test("headers cannot extend inline tables, static arrays or values", () => {
  fails("a = { x = 1 }\n[a.b]\n", 2, "inline table");
  fails("a = [1]\n[[a]]\n", 2, "an array value");
  fails("a = [{ x = 1 }]\n[a.b]\n", 2, "an array value");
  fails("a = 1\n[a]\n", 2, "a value (line 1)");
  fails("[[a]]\n[a]\n", 2, "array of tables");
});

test("dates and times are refused as unsupported", () => {
  fails("\nd = 1979-05-27\n", 2, "dates and times are not supported");
  fails("t = 07:32:00\n", 1, "dates and times are not supported");
  fails("d = 1979-05-27T07:32:00Z\n", 1, "dates and times");
});

test("multi-line strings are refused as unsupported", () => {
  fails('\n\ns = """\nabc"""\n', 3, "multi-line strings are not supported");
  fails("s = '''x'''\n", 1, "multi-line strings are not supported");
});

test("unterminated strings and bad escapes name the line", () => {
  fails('a = 1\ns = "abc\n', 2, `closing '"'`);
  fails("s = 'abc\n", 1, 'closing "\'"');
  fails('s = "a\\qb"\n', 1, "escape sequence");
  fails('s = "\\u12"\n', 1, "4 hex digits");
  fails('s = "\\uD800"\n', 1, "Unicode scalar value");
  fails('s = "a\u0001b"\n', 1, "printable character");
});

test("invalid numbers say which forms are accepted", () => {
  fails("n = 007\n", 1, "a number", "found '007'");
  fails("n = 1__0\n", 1, "a number");
  fails("n = 1.\n", 1, "a number");
  fails("n = -0x10\n", 1, "a number");
  fails("n = 9007199254740993\n", 1, "out of range");
});

test("bare words that are not values are refused", () => {
  fails("b = yes\n", 1, "expected a value", "found 'yes'");
  fails("b = True\n", 1, "found 'True'");
});

test("a missing value, a missing '=' and trailing garbage are reported", () => {
  fails("a =\n", 1, "after '='", "found end of line");
  fails("a = # c\n", 1, "after '='");
  fails("a 1\n", 1, "'=' after the key a");
  fails("a = 1 2\n", 1, "end of line after the value of a", "found '2'");
  fails("[t] x\n", 1, "end of line after the header [t]");
});

test("bad keys and headers are reported", () => {
  fails("= 1\n", 1, "a key");
  fails("a.= 1\n", 1, "a key");
  fails("[t\nx = 1\n", 1, "']' to close the [table] header");
  fails("[[t]\n", 1, "']]' to close the [[array of tables]] header");
  fails("[]\n", 1, "a key");
});

test("arrays need separators and a closing bracket", () => {
  fails("a = [1 2]\n", 1, "',' or ']'");
  fails("a = [\n1,\n2\nb = 3\n", 4, "',' or ']'");
  fails("a = [1,", 1, "found end of file");
});

test("inline tables must close on their line and take no trailing comma", () => {
  fails("t = { a = 1,\n b = 2 }\n", 1, "inline tables must fit on one line");
  fails("t = { a = 1\n}\n", 1, "inline tables must fit on one line");
  fails("t = { a = 1, }\n", 1, "no trailing comma");
  fails("t = { a = 1, a = 2 }\n", 1, "duplicate key t.a");
});

test("control characters and lone carriage returns are refused", () => {
  fails("# bad \u0007 comment\n", 1, "printable characters in a comment");
  fails("a = 1\rb = 2\n", 1, "end of line");
});

test("nesting deeper than 32 levels is refused", () => {
  fails(`a = ${"[".repeat(40)}${"]".repeat(40)}\n`, 1, "nested at most 32");
});

test("parsing resumes after a refused multi-line string", () => {
  const r = parse('a = """\nline "two"\n"""\nb = yes\n');
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(
      r.errors.map((e) => e.line),
      [1, 4],
    );
});

test("every bad line is reported, not just the first", () => {
  const r = parse("a = 1\na = 2\nb = yes\n[t]\n[t]\nc = 'x\nok = 1\n");
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(
      r.errors.map((e) => e.line),
      [2, 3, 5, 6],
    );
});

test("keys under a bad header are checked but not kept", () => {
  const r = parse("[t\nx = yes\ny = 1\n");
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(
      r.errors.map((e) => e.line),
      [1, 2],
    );
});

test.run();
