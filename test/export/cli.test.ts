// `clusterguard export pacemaker`, run as the compiled executable: the files written into --out, the warnings naming
// what does not carry over, a refusal (exit 2, file:line: key = value: expected, nothing written), a broken config.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runExe } from "../helpers/exe.ts";

const FIXTURES = resolve(import.meta.dir, "../fixtures/config");
const dir = mkdtempSync(join(tmpdir(), "cg-export-cli-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("export pacemaker writes the four files into --out (created), names what does not carry over, exit 0", () => {
  const out = join(dir, "good", "out");
  const r = runExe(["export", "pacemaker", "--config", join(FIXTURES, "good.toml"), "--out", out]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(readdirSync(out).sort(), ["MIGRATION.txt", "cib.xml", "corosync.conf", "sbd"]);
  for (const f of ["cib.xml", "corosync.conf", "sbd", "MIGRATION.txt"]) assert.match(r.stdout, `wrote ${join(out, f)}`);
  assert.match(
    r.stderr,
    /^warning: .*good\.toml: Parking in the initrd before the root is mounted is unique to clusterguard/m,
  );
  assert.match(r.stderr, /^warning: .*good\.toml:47: fencing\.level\[0\]\.type = "qmp": no direct counterpart/m);
  assert.match(
    r.stderr,
    /^warning: .*good\.toml:62: monitor\[0\]\.plugin = "http": monitor "web": .*not carried over/m,
  );
  assert.match(r.stderr, /1 to edit before the first start: see .*MIGRATION\.txt$/m);
  assert.match(readFileSync(join(out, "cib.xml"), "utf8"), /<group id="lab-group">/);
});

test("a config with no counterpart for its fencing is refused: exit 2, file:line: key = value: expected, nothing written", () => {
  const config = join(dir, "peer-only.toml");
  writeFileSync(
    config,
    readFileSync(join(FIXTURES, "good.toml"), "utf8")
      .replace(/\[\[fencing\.level\]\][^[]*type = "poison-pill"[^[]*/, "")
      .replace(/type = "qmp"\ndevice = .*\naction = .*\n/, 'type = "peer-request"\n'),
  );
  const out = join(dir, "refused");
  const r = runExe(["export", "pacemaker", "--config", config, "--out", out]);
  assert.is(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /peer-only\.toml:46: fencing\.level = \["peer-request"\]: no fence level with a counterpart in Pacemaker; expected at least one \[\[fencing\.level\]\] of type ipmi, redfish, poison-pill or qmp/,
  );
  assert.match(r.stderr, /1 error\(s\): no Pacemaker counterpart; nothing was written/);
  assert.not.ok(existsSync(out), "nothing written");
  const mini = runExe(["export", "pacemaker", "--config", join(FIXTURES, "minimal.toml"), "--out", out]);
  assert.is(mini.code, 2);
  assert.match(mini.stderr, /minimal\.toml: fencing\.level = \[\]: no fence level configured; expected/);
});

test("a broken config is a config error, exit 2", () => {
  const config = join(dir, "broken.toml");
  writeFileSync(config, readFileSync(join(FIXTURES, "good.toml"), "utf8").replace("deadtime = 3000", "deadtime = 30"));
  const r = runExe(["export", "pacemaker", "--config", config, "--out", join(dir, "broken")]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /broken\.toml:\d+: timers\.deadtime = 30: expected/);
  assert.match(r.stderr, /nothing was written/);
});

test("export without a target is a usage error", () => {
  const r = runExe(["export"]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /name a target: pacemaker|Not enough non-option arguments/);
});

test.run();
