// The plugin API's pure parts: OCF exit code mapping, parameter checks, argv splitting, plugin shape, result checks.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { definePlugin, type PluginMeta } from "../../src/monitor/api.ts";
import { splitArgs } from "../../src/monitor/run-process.ts";
import { ocfCodeName, ocfExitToResult } from "../../src/monitor/ocf-codes.ts";
import {
  checkParams,
  withDefaults,
  pluginProblems,
  normalizeResult,
  resultProblem,
} from "../../src/monitor/contract.ts";

test("OCF exit codes map to result classes: 0 running, 7 not running, 1 soft, 2-5 hard, 6 fatal, others soft", () => {
  const table: [number, string][] = [
    [0, "running"],
    [7, "not-running"],
    [1, "soft-error"],
    [2, "hard-error"],
    [3, "hard-error"],
    [4, "hard-error"],
    [5, "hard-error"],
    [6, "fatal"],
    [8, "soft-error"],
    [9, "soft-error"],
    [127, "soft-error"],
    [255, "soft-error"],
  ];
  for (const [code, kind] of table) assert.is(ocfExitToResult(code), kind, `exit ${code}`);
  assert.is(ocfCodeName(5), "OCF_ERR_INSTALLED");
  assert.is(ocfCodeName(42), "exit 42");
});

test("definePlugin returns the very object it was given", () => {
  const p = {
    meta: { name: "x", description: "", parameters: {} },
    validate: () => [],
    monitor: () => ({ result: "running" as const, reason: "" }),
  };
  assert.is(definePlugin(p), p);
});

const META: PluginMeta = {
  name: "m",
  description: "",
  parameters: {
    host: { type: "string", required: true, doc: "where" },
    port: { type: "int", default: 80, doc: "which port" },
    tls: { type: "bool", default: false, doc: "use TLS" },
  },
};

test("parameter checks name the parameter, the value and what was expected", () => {
  assert.equal(checkParams(META, { host: "a" }), []);
  assert.equal(checkParams(META, {}), ["parameter host: missing; expected a string (where) (required)"]);
  assert.equal(checkParams(META, { host: "a", port: "80" }), ['parameter port = "80": expected an integer']);
  assert.equal(checkParams(META, { host: "a", port: 1.5, tls: "yes" }), [
    "parameter port = 1.5: expected an integer",
    'parameter tls = "yes": expected true or false',
  ]);
  assert.equal(checkParams(META, { host: "a", prot: 1 }), [
    "parameter prot = 1: unknown parameter; expected one of host, port, tls",
  ]);
  assert.equal(checkParams({ ...META, extraParameters: true }, { host: "a", anything: 1 }), []);
});

test("defaults fill in what the config did not set, and never override it", () => {
  assert.equal(withDefaults(META, { host: "a" }), { port: 80, tls: false, host: "a" });
  assert.equal(withDefaults(META, { host: "a", port: 8080 }), { port: 8080, tls: false, host: "a" });
});

test("argument lines split like a shell would, without running one", () => {
  const ok = (line: string) => {
    const r = splitArgs(line);
    if (!r.ok) throw new Error(r.problem);
    return r.argv;
  };
  assert.equal(ok(""), []);
  assert.equal(ok("  -c   'exit 7'  "), ["-c", "exit 7"]);
  assert.equal(ok(`a "b c" d\\ e 'f"g' "h\\"i" ''`), ["a", "b c", "d e", 'f"g', 'h"i', ""]);
  assert.equal(ok("$HOME `x` ;|&"), ["$HOME", "`x`", ";|&"]);
  assert.equal(splitArgs("'open"), { ok: false, problem: "unterminated ' quote" });
});

test("the plugin shape check says what is missing or malformed", () => {
  assert.equal(pluginProblems({ meta: META, validate() {}, monitor() {} }), []);
  assert.equal(pluginProblems(null), ["is null; expected an object { meta, validate, monitor }"]);
  const p = pluginProblems({
    meta: {
      name: "",
      parameters: { a: { type: "integer", doc: "x" }, b: { type: "int", doc: "y", default: "1" } },
      timeout: -1,
    },
    validate: 1,
    recover: "no",
  });
  assert.equal(p, [
    'meta.name is ""; expected a non-empty string',
    "meta.description is undefined; expected a string",
    'meta.parameters.a.type is "integer"; expected one of string, int, bool',
    'meta.parameters.b.default is "1"; expected a value of type "int"',
    "meta.timeout is -1; expected a positive number of ms",
    "validate is 1; expected a function",
    "monitor is missing; expected a function",
    'recover is "no"; expected a function (or leave it out)',
  ]);
});

test("an invalid result becomes a soft error that names the contract violation", () => {
  assert.is(resultProblem({ result: "running", reason: "" }), null);
  assert.match(
    resultProblem({ result: "ok", reason: "" }) ?? "",
    /returned result "ok"; expected one of running, not-running, soft-error, hard-error, fatal/,
  );
  assert.match(resultProblem({ result: "running" }) ?? "", /reason undefined; expected a string/);
  assert.match(resultProblem(7) ?? "", /returned 7; expected an object/);
  assert.equal(normalizeResult(undefined), {
    result: "soft-error",
    reason: "plugin contract violation: returned undefined; expected an object { result, reason }",
  });
});

test.run();
