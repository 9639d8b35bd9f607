import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../src/config/toml.ts";

/** Parses `k = <text>` and returns the value. */
function parsedValue(text: string): unknown {
  const r = parse(`k = ${text}\n`);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return r.value.k;
}

test("basic strings decode every supported escape", () => {
  assert.is(parsedValue(String.raw`"a\"b\\c\nd\te\u00e9\U0001F600\b\f\r"`), 'a"b\\c\nd\te\u00e9\u{1F600}\b\f\r');
});

test("literal strings keep backslashes as they are", () => {
  assert.is(parsedValue(String.raw`'C:\path\n'`), String.raw`C:\path\n`);
});

test("empty strings of both kinds are allowed", () => {
  assert.is(parsedValue('""'), "");
  assert.is(parsedValue("''"), "");
});

test("decimal integers accept signs and underscores", () => {
  assert.is(parsedValue("42"), 42);
  assert.is(parsedValue("+7"), 7);
  assert.is(parsedValue("-17"), -17);
  assert.is(parsedValue("1_000_000"), 1000000);
  assert.is(parsedValue("0"), 0);
  assert.is(parsedValue("-0"), 0);
});

test("hex, octal and binary integers are read", () => {
  assert.is(parsedValue("0xDEAD_beef"), 0xdeadbeef);
  assert.is(parsedValue("0o755"), 0o755);
  assert.is(parsedValue("0b1010"), 10);
});

test("floats with fractions, exponents, inf and nan are read", () => {
  assert.is(parsedValue("3.14"), 3.14);
  assert.is(parsedValue("-0.5"), -0.5);
  assert.is(parsedValue("1e3"), 1000);
  assert.is(parsedValue("6.626e-34"), 6.626e-34);
  assert.is(parsedValue("1_000.5"), 1000.5);
  assert.is(parsedValue("inf"), Infinity);
  assert.is(parsedValue("-inf"), -Infinity);
  assert.ok(Number.isNaN(parsedValue("nan")));
});

test("booleans are true and false", () => {
  assert.is(parsedValue("true"), true);
  assert.is(parsedValue("false"), false);
});

test("arrays may mix types, nest, span lines, hold comments and end with a comma", () => {
  assert.equal(parsedValue("[1, 'two', [3, 4], true]"), [1, "two", [3, 4], true]);
  assert.equal(parsedValue("[\n  1, # one\n  # nothing here\n  2,\n]"), [1, 2]);
  assert.equal(parsedValue("[]"), []);
  assert.equal(parsedValue("[ ]"), []);
});

test("inline tables hold plain and dotted keys", () => {
  assert.equal(parsedValue('{ a = 1, b.c = "x", "d e" = true }'), { a: 1, b: { c: "x" }, "d e": true });
  assert.equal(parsedValue("{}"), {});
  assert.equal(parsedValue("[{ a = 1 }, { a = 2 }]"), [{ a: 1 }, { a: 2 }]);
});

test("comments after values and CRLF line ends are accepted", () => {
  const r = parse('a = 1 # one\r\nb = "#not a comment" # two\r\n');
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.value, { a: 1, b: "#not a comment" });
});

test("a __proto__ key is stored as an ordinary key", () => {
  const r = parse('"__proto__" = 1\n');
  assert.ok(r.ok);
  if (r.ok) {
    assert.ok(Object.hasOwn(r.value, "__proto__"));
    assert.is(Object.getPrototypeOf(r.value), Object.prototype);
  }
});

test.run();
