// The loader: built-in names, absolute .ts/.js paths imported at run time, and clear errors for everything else.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTINS } from "../../src/monitor/builtin/index.ts";
import { isConfigFailure, loadMonitors, loadPlugin } from "../../src/monitor/loader.ts";
import { monitorConfig, fixtureCopy } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-mon-load-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("a built-in name gives the built-in", async () => {
  const r = await loadPlugin("systemd");
  assert.ok(r.ok);
  if (r.ok) {
    assert.is(r.plugin, BUILTINS.systemd);
    assert.is(r.builtin, true);
  }
});

test("an unknown built-in names the ones that exist", async () => {
  const r = await loadPlugin("nginx");
  assert.equal(r, {
    ok: false,
    kind: "unknown-builtin",
    error:
      'plugin "nginx": no such built-in plugin; expected one of systemd, tcp, http, process, command, ocf, or an absolute path to a .ts or .js module',
  });
  assert.ok(isConfigFailure("unknown-builtin"));
});

test("a relative path or another file type is refused as a reference", async () => {
  for (const ref of ["./plugins/x.ts", "plugins/x.ts", "/etc/clusterguard/monitors.d/x.py", "X"]) {
    const r = await loadPlugin(ref);
    assert.is(r.ok ? "ok" : r.kind, "bad-ref", ref);
    if (!r.ok)
      assert.match(r.error, /expected a built-in name \(.*\) or an absolute path ending in \.ts, \.js, \.mjs, \.mts/);
  }
});

test("a good .ts plugin (the README example) and a plain .js plugin load by absolute path", async () => {
  for (const f of ["file-fresh.ts", "plain.js", "typed-only.ts"]) {
    const r = await loadPlugin(fixtureCopy(f, dir));
    assert.ok(r.ok, r.ok ? "" : r.error);
    if (r.ok) assert.is(r.builtin, false);
  }
});

test("a module without monitor is refused naming the file and what is missing", async () => {
  const path = fixtureCopy("no-monitor.ts", dir);
  const r = await loadPlugin(path);
  assert.equal(r, {
    ok: false,
    kind: "bad-export",
    error: `plugin file ${path}: the default export monitor is missing; expected a function`,
  });
  assert.not.ok(isConfigFailure("bad-export"));
});

test("a missing file, a module without default export, a syntax error and a clusterguard import each say so", async () => {
  const missing = await loadPlugin(join(dir, "absent.ts"));
  assert.is(missing.ok ? "" : missing.kind, "not-found");
  assert.match(missing.ok ? "" : missing.error, /absent\.ts: cannot be read \(ENOENT\)/);
  const noDefault = join(dir, "named.ts");
  writeFileSync(noDefault, "export const plugin = {};\n", { mode: 0o644 });
  const n = await loadPlugin(noDefault);
  assert.match(n.ok ? "" : n.error, /has no default export; expected export default \{ meta, validate, monitor \}/);
  const broken = join(dir, "broken.ts");
  writeFileSync(broken, "export default {\n", { mode: 0o644 });
  const b = await loadPlugin(broken);
  assert.is(b.ok ? "" : b.kind, "import-failed");
  assert.match(b.ok ? "" : b.error, /broken\.ts: cannot be loaded: /);
  const imports = fixtureCopy("imports-clusterguard.js", dir);
  const i = await loadPlugin(imports);
  assert.is(i.ok ? "" : i.kind, "import-failed");
  assert.match(
    i.ok ? "" : i.error,
    /Cannot find (package|module) 'clusterguard(\/monitor)?'.*a plugin must be self-contained/,
  );
});

test("a plugin file others may write is refused (plugins run as root)", async () => {
  const path = fixtureCopy("plain.js", mkdtempSync(join(dir, "unsafe-")));
  chmodSync(path, 0o666);
  const r = await loadPlugin(path);
  assert.is(r.ok ? "" : r.kind, "unsafe-file");
  assert.match(r.ok ? "" : r.error, /mode is 0666, writable by others; expected no group\/other write \(chmod go-w /);
});

test("loadMonitors loads every monitor and names the monitor of each failure", async () => {
  const r = await loadMonitors([
    monitorConfig({ name: "a", plugin: "tcp" }),
    monitorConfig({ name: "b", plugin: "nope" }),
    monitorConfig({ name: "c", plugin: fixtureCopy("plain.js", dir) }),
  ]);
  assert.equal(
    r.specs.map((s) => s.config.name),
    ["a", "c"],
  );
  assert.is(r.errors.length, 1);
  assert.match(r.errors[0]!, /^monitor b: plugin "nope": no such built-in plugin/);
});

test.run();
