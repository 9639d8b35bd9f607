import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatConfigError, loadConfig, loadConfigText, selectSelf } from "../../src/config/load.ts";
import { BASE, configOf, fixture } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-load-"));

test("a missing file is one (file) error that names the path", () => {
  const path = join(dir, "nope.toml");
  const r = loadConfig(path);
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(r.errors.map(formatConfigError), [
      `${path}: (file): cannot open the file (ENOENT); expected a readable regular file holding the TOML configuration`,
    ]);
});

test("a directory is not a readable config file", () => {
  const r = loadConfig(dir);
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.errors[0]?.key, "(file)");
});

test("invalid UTF-8 is refused", () => {
  const path = join(dir, "latin1.toml");
  writeFileSync(path, Buffer.from([0x5b, 0x63, 0x5d, 0x0a, 0x6e, 0x3d, 0x22, 0xe9, 0x22, 0x0a]));
  const r = loadConfig(path);
  assert.not.ok(r.ok);
  if (!r.ok)
    assert.equal(r.errors.map(formatConfigError), [
      `${path}: (file): the file is not valid UTF-8; expected UTF-8 encoded TOML text`,
    ]);
});

test("syntax errors become config errors with file, line and the key when known", () => {
  const r = loadConfigText(`${BASE}[timers]\nkeepalive = 200\nkeepalive = 300\ndeadtime = soon\n`, "x.toml");
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.equal(r.errors.map(formatConfigError), [
      "x.toml:13: timers.keepalive: duplicate key timers.keepalive (first set at line 12); expected each key once per table",
      `x.toml:14: (syntax): expected a value ("string", 'string', number, true/false, [array] or { inline table }), found 'soon'`,
    ]);
  }
});

test("a valid file on disk loads with its warnings", () => {
  const path = join(dir, "ok.toml");
  writeFileSync(path, BASE);
  const r = loadConfig(path);
  assert.ok(r.ok);
  if (r.ok) {
    assert.is(r.config.cluster.name, "t");
    assert.is(r.warnings.length, 1);
  }
});

// Picking this node and its peer out of the loaded config.

const config = configOf(fixture("good.toml"));

test("selecting either node returns it as self and the other as peer", () => {
  const a = selectSelf(config, "a");
  const b = selectSelf(config, "b");
  assert.ok(a.ok && b.ok);
  if (a.ok && b.ok) {
    assert.equal([a.self.name, a.peer.name], ["a", "b"]);
    assert.equal([b.self.name, b.peer.name], ["b", "a"]);
    assert.is(a.self.address, "192.168.100.1");
  }
});

test("an unknown node name is an error naming both configured names", () => {
  const r = selectSelf(config, "c");
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(
      formatConfigError(r.error),
      'kernel command line: rd.clusterguard.node = "c": unknown node name; expected one of the configured node names: "a", "b"',
    );
  }
});

test("the origin of the name can be given for the message", () => {
  const r = selectSelf(config, "A", { file: "/proc/cmdline", key: "rd.clusterguard.node" });
  assert.ok(!r.ok && formatConfigError(r.error).startsWith('/proc/cmdline: rd.clusterguard.node = "A"'));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
