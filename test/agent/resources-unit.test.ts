// The unit resource against a fake systemctl that records its argv and keeps each unit's state in a file.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnitResource } from "../../src/agent/resources/unit.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-res-unit-"));
const fake = join(dir, "systemctl");
writeFileSync(
  fake,
  `#!/bin/bash
# fake systemctl: argv to ./argv; state of UNIT in ./state-UNIT; ./fail-UNIT, ./hang-UNIT, ./oneshot-UNIT change start.
cd "$(dirname "$0")"
echo "$*" >> argv
cmd=$1; shift; [ "$1" = "--" ] && shift; unit=$1
state() { cat "state-$unit" 2>/dev/null || echo inactive; }
case $cmd in
  is-active) state; [ "$(state)" = active ] || exit 3 ;;
  start)
    [ -e "hang-$unit" ] && touch "started-$unit" && exec sleep 30
    if [ -e "fail-$unit" ]; then echo failed > "state-$unit"; echo "Job for $unit failed because the control process exited with error code." >&2; exit 1; fi
    if [ -e "oneshot-$unit" ]; then echo inactive > "state-$unit"; else echo active > "state-$unit"; fi ;;
  stop) echo inactive > "state-$unit" ;;
  *) echo "unknown command $cmd" >&2; exit 1 ;;
esac
`,
);
chmodSync(fake, 0o755);

const signal = () => new AbortController().signal;
const unit = (name: string, timeoutMs = 5000) => new UnitResource({ name, timeoutMs, bins: { systemctl: fake } });
/** The argv lines recorded since the last call. */
function calls(): string[] {
  const file = join(dir, "argv");
  const lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  rmSync(file, { force: true });
  return lines;
}

test("start runs only when the unit is not active, and stop only when it is", async () => {
  const r = unit("web.service");
  assert.equal(r.state(), { name: "web.service", kind: "unit", state: "down", detail: "not brought up yet" });
  const up = await r.up(signal());
  assert.equal(up, { ok: true, detail: "web.service started (active)" });
  assert.equal(calls(), ["is-active -- web.service", "start -- web.service", "is-active -- web.service"]);
  assert.equal(await r.up(signal()), { ok: true, detail: "web.service already active" });
  assert.equal(calls(), ["is-active -- web.service"]);
  assert.is(r.state().state, "up");
  assert.equal(await r.down(signal()), { ok: true, detail: "web.service stopped (inactive)" });
  assert.equal(calls(), ["is-active -- web.service", "stop -- web.service", "is-active -- web.service"]);
  assert.equal(await r.down(signal()), { ok: true, detail: "web.service not active: nothing to stop" });
  assert.equal(calls(), ["is-active -- web.service"]);
  assert.equal(r.state(), {
    name: "web.service",
    kind: "unit",
    state: "down",
    detail: "web.service not active: nothing to stop",
  });
});

test("a unit that fails to start reports systemctl's message, and stopping it is still tried", async () => {
  writeFileSync(join(dir, "fail-db.service"), "");
  const r = unit("db.service");
  const up = await r.up(signal());
  assert.is(up.ok, false);
  assert.is(
    up.detail,
    "systemctl start -- db.service failed (exit 1): Job for db.service failed because the control process exited with error code.",
  );
  assert.is(r.state().state, "failed");
  calls();
  const down = await r.down(signal());
  assert.ok(down.ok, down.detail);
  assert.equal(calls(), ["is-active -- db.service", "stop -- db.service", "is-active -- db.service"]);
});

test("a unit that is not active after a successful start is not up (a oneshot without RemainAfterExit)", async () => {
  writeFileSync(join(dir, "oneshot-setup.service"), "");
  const up = await unit("setup.service").up(signal());
  assert.equal(up, { ok: false, detail: "systemctl start setup.service succeeded but the unit is inactive" });
});

test("a start that hangs is killed at the resource's timeout; a cancel ends it at once", async () => {
  writeFileSync(join(dir, "hang-slow.service"), "");
  const t0 = performance.now();
  // 1500 ms: long enough for the is-active check before the start even on a loaded host (else "not run: ... ran out").
  const up = await unit("slow.service", 1500).up(signal());
  assert.is(up.ok, false);
  assert.is(up.detail, "systemctl start -- slow.service timed out (the resource's timeout is 1500 ms)");
  assert.ok(performance.now() - t0 < 6000, "bounded");
  // Cancelled once the start runs (before it, under load, the cancel ends the run before `start` is spawned: "not run").
  rmSync(join(dir, "started-slow.service"), { force: true });
  const ctl = new AbortController();
  const started = setInterval(() => existsSync(join(dir, "started-slow.service")) && ctl.abort(), 20);
  const cancelled = await unit("slow.service", 60000).up(ctl.signal);
  clearInterval(started);
  assert.equal(cancelled, { ok: false, detail: "systemctl start -- slow.service cancelled" });
});

test("a missing systemctl is named in the detail", async () => {
  const r = new UnitResource({
    name: "web.service",
    timeoutMs: 1000,
    bins: { systemctl: join(dir, "no-such-systemctl") },
  });
  const up = await r.up(signal());
  assert.is(up.ok, false);
  assert.match(up.detail, /no-such-systemctl not found or not executable \(ENOENT\)/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
