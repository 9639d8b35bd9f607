import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, TomlError } from "../../src/config/toml.ts";
import { validate } from "../../src/config/validate.ts";
import { mulberry32 as prng } from "../protocol/helpers.ts";
import { fixture } from "./helpers.ts";

const CHARS = `"'[]{}=.,#\n\r\t\\ 0123456789abcxyzeE_-+:\u0000\u00e9`;
const TOKENS = [
  '"""',
  "'''",
  "[[",
  "]]",
  "1979-05-27",
  "\\u",
  "\\U0011FFFF",
  "inf",
  "0x",
  "= {",
  "a.b",
  "\r\n",
  "[node]",
  "[[node]]",
];

/** One random edit of `s`. */
function mutate(s: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const at = Math.floor(rnd() * (s.length + 1));
  const lines = s.split("\n");
  const li = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 8)) {
    case 0:
      return s.slice(0, at) + s.slice(at + 1);
    case 1:
      return s.slice(0, at) + pick([...CHARS]) + s.slice(at);
    case 2:
      return s.slice(0, at) + pick([...CHARS]) + s.slice(at + 1);
    case 3:
      return s.slice(0, at) + pick(TOKENS) + s.slice(at);
    case 4:
      lines.splice(li, 0, lines[li] ?? "");
      return lines.join("\n");
    case 5:
      lines.splice(li, 1);
      return lines.join("\n");
    case 6: {
      const lj = Math.floor(rnd() * lines.length);
      [lines[li], lines[lj]] = [lines[lj] ?? "", lines[li] ?? ""];
      return lines.join("\n");
    }
    default:
      return s.slice(0, at);
  }
}

test("the parser never throws on 2,000 seeded random mutations of good.toml", () => {
  const good = fixture("good.toml");
  const rnd = prng(20240601);
  let failures = 0;
  for (let i = 0; i < 2000; i++) {
    let text = good;
    const edits = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < edits; k++) text = mutate(text, rnd);
    let r: ReturnType<typeof parse>;
    try {
      r = parse(text);
    } catch (e) {
      assert.unreachable(`mutation ${i} threw ${String(e)} for:\n${text}`);
      return;
    }
    const lineCount = text.split("\n").length;
    if (r.ok) {
      validate(r.value, r.lines, "fuzz.toml");
      continue;
    }
    failures++;
    for (const e of r.errors) {
      assert.instance(e, TomlError);
      assert.ok(
        Number.isInteger(e.line) && e.line >= 1 && e.line <= lineCount,
        `mutation ${i}: line ${e.line} of ${lineCount}`,
      );
      assert.ok(e.message.includes("expected"), `mutation ${i}: ${e.message}`);
    }
  }
  assert.ok(failures > 500, `only ${failures} mutations were rejected; the fuzzer is too gentle`);
});

test.run();
