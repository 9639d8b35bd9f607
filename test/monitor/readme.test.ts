// The README's service monitors section stays true: its example plugin is the tested fixture, and it names every built-in parameter.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTINS } from "../../src/monitor/builtin/index.ts";
import { FIXTURES, REPO } from "./helpers.ts";

const readme = readFileSync(join(REPO, "README.md"), "utf8");
const start = readme.indexOf("## Service monitors");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1));

test("the README has the service monitors section", () => {
  assert.ok(start >= 0);
});

test("the README's complete example plugin is test/fixtures/monitor/file-fresh.ts, verbatim", () => {
  const example = readFileSync(join(FIXTURES, "file-fresh.ts"), "utf8");
  assert.ok(section.includes(`\`\`\`ts\n${example}\`\`\``), "README example and fixture differ");
});

test("the README names every built-in and each of its parameters", () => {
  for (const p of Object.values(BUILTINS)) {
    assert.ok(section.includes(`| \`${p.meta.name}\` |`), p.meta.name);
    for (const name of Object.keys(p.meta.parameters))
      assert.ok(section.includes(`\`${name}\``), `${p.meta.name}.${name}`);
  }
});

test.run();
