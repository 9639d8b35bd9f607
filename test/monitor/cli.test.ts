// `clusterguard monitors plugins|test` through the compiled executable: it imports external .ts/.js plugins by absolute path.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExe } from "../helpers/exe.ts";
import { ensureBuilt, FIXTURES, fixtureCopy } from "./helpers.ts";

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), "cg-mon-cli-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const stamp = join(dir, "stamp");
writeFileSync(stamp, "");
const state = join(dir, "dummy-state");
writeFileSync(state, "running\n");
const BASE = readFileSync(join(FIXTURES, "../config/minimal.toml"), "utf8");

/** A config with the minimal cluster and these [[monitor]] tables. */
function config(monitors: string): string {
  const path = join(dir, `cg-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, `${BASE}\n${monitors}`);
  return path;
}

const monitor = (name: string, plugin: string, params: string, extra = "") =>
  `[[monitor]]\nname = "${name}"\nplugin = "${plugin}"\ninterval = 10000\ntimeout = 1000\n${extra}params = { ${params} }\n`;

const CONF = config(
  [
    monitor("fresh", fixtureCopy("file-fresh.ts", dir), `path = "${stamp}", max_age = 60`),
    monitor("plainjs", fixtureCopy("plain.js", dir), ""),
    monitor("bad", fixtureCopy("misbehaving.ts", dir), `target = "x"`),
    monitor("hangs", fixtureCopy("hanging.ts", dir), ""),
    monitor("nomon", fixtureCopy("no-monitor.ts", dir), ""),
    monitor("imports", fixtureCopy("imports-clusterguard.js", dir), ""),
    monitor("dummy", "ocf", `agent = "cgtest/Dummy", ocf_root = "${join(FIXTURES, "ocf")}", state = "${state}"`),
    monitor("typo", "nginx", ""),
    monitor("badport", "tcp", `port = 70000`),
  ].join("\n"),
);

test("the compiled executable loads an external .ts plugin by absolute path and finds it conformant (exit 0)", () => {
  writeFileSync(stamp, ""); // fresh now: the whole suite is imported long before this test runs
  const r = runExe(["monitors", "test", "fresh", "--config", CONF]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok    meta: file-fresh: 2 parameter\(s\); operations: monitor$/m);
  assert.match(r.stdout, /^ok    validate without path: reports: parameter path: missing/m);
  assert.match(r.stdout, /^ok    monitor #1: running: .*stamp is \d+ s old$/m);
  assert.match(r.stdout, /^fresh: conformant \(plugin \/.*file-fresh\.ts\)$/m);
});

test("a plain .js plugin and the ocf built-in pass too", () => {
  assert.is(runExe(["monitors", "test", "plainjs", "--config", CONF]).code, 0);
  const r = runExe(["monitors", "test", "dummy", "--config", CONF]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok    recover: running: cgtest\/Dummy start: OCF_SUCCESS$/m);
  assert.match(r.stdout, /^ok    monitor after recover: running/m);
});

test("--start-stop stops and starts the live service, a monitor after each; without it neither runs", () => {
  writeFileSync(state, "running\n");
  const r = runExe(["monitors", "test", "dummy", "--no-recover", "--start-stop", "--config", CONF]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^ok    stop: running: cgtest\/Dummy stop: OCF_SUCCESS\nok    monitor after stop: not-running: cgtest\/Dummy monitor: OCF_NOT_RUNNING$/m,
  );
  assert.match(r.stdout, /^ok    monitor after the second start: running/m);
  assert.is(readFileSync(state, "utf8"), "running\n", "left as found");
  assert.not.match(
    runExe(["monitors", "test", "dummy", "--no-recover", "--config", CONF]).stdout,
    /^ok    (stop|start)/m,
  );
});

test("contract violations are listed one per line, exit 1", () => {
  const r = runExe(["monitors", "test", "bad", "--config", CONF]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^FAIL  validate without target: accepted the parameters without required parameter target$/m);
  assert.match(
    r.stdout,
    /^FAIL  monitor #1: returned result "ok"; expected one of running, not-running, soft-error, hard-error, fatal$/m,
  );
  assert.match(r.stdout, /^FAIL  recover: threw instead of returning: recover is not really implemented$/m);
  assert.match(r.stdout, /^bad: 5 contract violation\(s\)$/m);
  assert.is(runExe(["monitors", "test", "bad", "--no-recover", "--config", CONF]).code, 1);
});

test("a monitor that hangs past its timeout is a violation and the command still ends promptly", () => {
  const t0 = Date.now();
  const r = runExe(["monitors", "test", "hangs", "--config", CONF]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^FAIL  monitor #1: did not return within its timeout \(1000 ms\)$/m);
  assert.match(r.stdout, /^FAIL  monitor #1: ignored its abort signal/m);
  assert.ok(Date.now() - t0 < 15000, `took ${Date.now() - t0} ms`);
});

test("a module without monitor, or one importing clusterguard, is refused naming the file, exit 1", () => {
  const nomon = runExe(["monitors", "test", "nomon", "--config", CONF]);
  assert.is(nomon.code, 1);
  assert.match(
    nomon.stderr,
    /monitor nomon: plugin file \/.*no-monitor\.ts: the default export monitor is missing; expected a function/,
  );
  const imp = runExe(["monitors", "test", "imports", "--config", CONF]);
  assert.is(imp.code, 1);
  assert.match(
    imp.stderr,
    /imports-clusterguard\.js: cannot be loaded: Cannot find package 'clusterguard'.*self-contained/,
  );
});

test("configuration errors exit 2: unknown built-in, bad params, no such monitor, broken config", () => {
  const typo = runExe(["monitors", "test", "typo", "--config", CONF]);
  assert.is(typo.code, 2);
  assert.match(typo.stderr, /monitor typo: plugin "nginx": no such built-in plugin; expected one of systemd, tcp/);
  const port = runExe(["monitors", "test", "badport", "--config", CONF]);
  assert.is(port.code, 2);
  assert.match(port.stderr, /monitor badport: parameter port = 70000: expected an integer from 1 to 65535/);
  const none = runExe(["monitors", "test", "nobody", "--config", CONF]);
  assert.is(none.code, 2);
  assert.match(none.stderr, /no \[\[monitor\]\] named "nobody"; expected one of: fresh, plainjs, bad/);
  const broken = config(`[[monitor]]\nname = "x"\nplugin = "./relative.ts"\n`);
  const b = runExe(["monitors", "test", "x", "--config", broken]);
  assert.is(b.code, 2);
  assert.match(b.stderr, /monitor\[0\]\.plugin = "\.\/relative\.ts": expected a built-in plugin name/);
});

test("monitors plugins prints every built-in with its parameters; --json as data", () => {
  const r = runExe(["monitors", "plugins"]);
  assert.is(r.code, 0);
  for (const name of ["systemd", "tcp", "http", "process", "command", "ocf"])
    assert.match(r.stdout, new RegExp(`^${name}: `, "m"));
  assert.match(r.stdout, /^ {4}unit \(string, required\) +the unit/m);
  assert.match(r.stdout, /^ {4}expect_status \(int, default 200\)/m);
  const j = JSON.parse(runExe(["monitors", "plugins", "--json"]).stdout) as {
    name: string;
    parameters: Record<string, unknown>;
    operations: string[];
  }[];
  assert.equal(
    j.map((p) => p.name),
    ["systemd", "tcp", "http", "process", "command", "ocf"],
  );
  assert.equal(j[0]!.operations, ["validate", "monitor", "recover", "start", "stop"]);
  assert.is(runExe(["monitors", "--help"]).code, 0);
  assert.is(runExe(["monitors", "test"]).code, 2);
});

test("the old sma command says what it is called now, exit 2", () => {
  const list = runExe(["sma", "list", "--json"]);
  assert.is(list.code, 2);
  assert.is(list.stderr.trim(), "clusterguard sma: renamed: use 'clusterguard monitors plugins'");
  assert.match(
    runExe(["sma", "test", "fresh", "--config", CONF]).stderr,
    "renamed: use 'clusterguard monitors test fresh'",
  );
  assert.is(runExe(["sma"]).code, 2);
});

test.run();
