import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../src/config/toml.ts";

function ok(text: string) {
  const r = parse(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join("\n"));
  return r;
}

test("an empty document and a document of comments parse to an empty table", () => {
  assert.equal(ok("").value, {});
  assert.equal(ok("# only\n\n   # comments\n").value, {});
});

test("[table] headers collect the keys that follow", () => {
  assert.equal(ok("top = 1\n[a]\nx = 1\n[b]\ny = 2\n").value, { top: 1, a: { x: 1 }, b: { y: 2 } });
});

test("dotted headers create the tables in between, which may be defined later once", () => {
  assert.equal(ok("[a.b.c]\nx = 1\n[a]\ny = 2\n").value, { a: { b: { c: { x: 1 } }, y: 2 } });
  assert.equal(ok("[ a . b ]\nx = 1\n").value, { a: { b: { x: 1 } } });
});

test("[[array.of.tables]] appends one table per header and sub-tables go to the last one", () => {
  const r = ok("[[n]]\nx = 1\n[n.sub]\ny = 1\n[[n]]\nx = 2\n[[f.agent]]\ntype = 'qmp'\n");
  assert.equal(r.value, { n: [{ x: 1, sub: { y: 1 } }, { x: 2 }], f: { agent: [{ type: "qmp" }] } });
});

test("bare, quoted and literal keys, plain and dotted", () => {
  const r = ok('bare-key_1 = 1\n"quoted key" = 2\n\'lit.key\' = 3\nsite."x.y".z = 4\n1234 = 5\n');
  assert.equal(r.value, { "bare-key_1": 1, "quoted key": 2, "lit.key": 3, site: { "x.y": { z: 4 } }, "1234": 5 });
});

test("dotted keys may extend a table they created, and [sub] tables below it", () => {
  assert.equal(ok("[f]\na.b = 1\na.c = 2\n[f.a.t]\nz = 1\n").value, { f: { a: { b: 1, c: 2, t: { z: 1 } } } });
});

test("the line map uses validator paths for keys, tables, array tables and array elements", () => {
  const r = ok(`[cluster]
name = "x"

[[node]]
name = "a"
[[node]]
name = "b"
list = [
  1,
  2,
]
p = { "a b" = 1 }
`);
  const lines = Object.fromEntries(r.lines);
  assert.is(lines.cluster, 1);
  assert.is(lines["cluster.name"], 2);
  assert.is(lines.node, 4);
  assert.is(lines["node[0]"], 4);
  assert.is(lines["node[0].name"], 5);
  assert.is(lines["node[1]"], 6);
  assert.is(lines["node[1].name"], 7);
  assert.is(lines["node[1].list"], 8);
  assert.is(lines["node[1].list[0]"], 9);
  assert.is(lines["node[1].list[1]"], 10);
  assert.is(lines['node[1].p."a b"'], 12);
});

test.run();
