// The process, systemd and command built-ins against a real process, a fake systemctl script and real commands.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Params } from "../../src/monitor/api.ts";
import command from "../../src/monitor/builtin/command.ts";
import { BUILTINS, builtin } from "../../src/monitor/builtin/index.ts";
import proc from "../../src/monitor/builtin/process.ts";
import systemd from "../../src/monitor/builtin/systemd.ts";
import { withDefaults } from "../../src/monitor/contract.ts";
import { waitFor } from "../helpers/wait.ts";
import { isAlive } from "../../src/monitor/run-process.ts";
import { context } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-mon-bi-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("the registry holds the six built-ins by name", () => {
  assert.equal(Object.keys(BUILTINS).sort(), ["command", "http", "ocf", "process", "systemd", "tcp"]);
  assert.is(builtin("tcp"), BUILTINS.tcp);
  assert.is(builtin("toString"), undefined, "no prototype names");
});

test("process: found by comm, by a long argv[0] name and by pidfile while alive; gone afterwards", async () => {
  const name = "cg-mon-sleeper-long-name";
  const exe = join(dir, name);
  copyFileSync("/bin/sleep", exe);
  const child = Bun.spawn([exe, "30"], { stdio: ["ignore", "ignore", "ignore"] });
  const pidfile = join(dir, "sleeper.pid");
  writeFileSync(pidfile, `${child.pid}\n`);
  try {
    await waitFor(() => readFileSync(`/proc/${child.pid}/cmdline`, "utf8").startsWith(exe), 2000, "the exec");
    const byName = await proc.monitor(context({ name }).ctx);
    assert.is(byName.result, "running", byName.reason);
    assert.match(byName.reason, new RegExp(`pid ${child.pid}`));
    assert.is(
      (await proc.monitor(context({ name: name.slice(0, 15) }).ctx)).result,
      "running",
      "the 15-character comm matches too",
    );
    assert.is((await proc.monitor(context({ pidfile }).ctx)).result, "running");
    assert.is((await proc.monitor(context({ pidfile, name }).ctx)).result, "running");
    assert.is(
      (await proc.monitor(context({ pidfile, name: "nginx" }).ctx)).result,
      "not-running",
      "the pidfile's process must have the name",
    );
  } finally {
    child.kill("SIGKILL");
    await child.exited;
  }
  assert.equal(await proc.monitor(context({ name }).ctx), {
    result: "not-running",
    reason: `no process named ${name}`,
  });
  assert.match((await proc.monitor(context({ pidfile }).ctx)).reason, /is gone \(stale pidfile\)/);
  writeFileSync(pidfile, "garbage");
  assert.is((await proc.monitor(context({ pidfile }).ctx)).result, "soft-error");
  assert.is((await proc.monitor(context({ pidfile: join(dir, "none.pid") }).ctx)).result, "not-running");
});

test("process: validate wants a name or a pidfile", async () => {
  const v = (p: Params) => proc.validate(p);
  assert.equal(await v({}), ["parameters name and pidfile: both missing; expected at least one of them"]);
  assert.equal(await v({ name: "a/b", pidfile: "rel.pid" }), [
    'parameter name = "a/b": expected a process name (no "/")',
    'parameter pidfile = "rel.pid": expected an absolute path',
  ]);
});

/** A fake systemctl: `is-active U` prints the state file's word (exit 0 if active, else 3); verbs are logged and change it. */
function fakeSystemctl(): { bin: string; state: string; log: string } {
  const bin = join(dir, "systemctl");
  const state = join(dir, "unit-state");
  const log = join(dir, "systemctl.log");
  writeFileSync(
    bin,
    `#!/bin/sh
echo "$*" >> ${log}
case "$1" in
  is-active) s=$(cat ${state}); echo "$s"; [ "$s" = active ] && exit 0; exit 3 ;;
  restart|start) [ -e ${state}.broken ] && { echo "Job for $2 failed." >&2; exit 1; }; echo active > ${state} ;;
  stop) echo inactive > ${state} ;;
esac
`,
    { mode: 0o755 },
  );
  return { bin, state, log };
}

test("systemd: is-active maps active, inactive, failed and transitions; recover restarts the unit", async () => {
  const f = fakeSystemctl();
  const params = { unit: "web.service", systemctl: f.bin };
  const table: [string, string][] = [
    ["active", "running"],
    ["inactive", "not-running"],
    ["failed", "soft-error"],
    ["activating", "soft-error"],
    ["bogus", "soft-error"],
  ];
  for (const [word, kind] of table) {
    writeFileSync(f.state, `${word}\n`);
    const r = await systemd.monitor(context(params).ctx);
    assert.is(r.result, kind, `${word}: ${r.reason}`);
  }
  writeFileSync(f.state, "failed\n");
  const rec = await systemd.recover!(context(params).ctx);
  assert.equal(rec, { result: "running", reason: "systemctl restart web.service succeeded" });
  assert.is((await systemd.monitor(context(params).ctx)).result, "running");
  assert.match(readFileSync(f.log, "utf8"), /^restart web\.service$/m);
  writeFileSync(`${f.state}.broken`, "");
  const failed = await systemd.recover!(context(params).ctx);
  assert.equal(failed, {
    result: "soft-error",
    reason: "systemctl restart web.service exited 1: Job for web.service failed.",
  });
});

test("systemd: a missing systemctl is a hard error; validate checks the unit name", async () => {
  const r = await systemd.monitor(context({ unit: "x.service", systemctl: "/nonexistent/systemctl" }).ctx);
  assert.is(r.result, "hard-error");
  assert.match(r.reason, /ENOENT/);
  const v = (p: Params) => systemd.validate(withDefaults(systemd.meta, p));
  assert.equal(await v({ unit: "nginx.service" }), []);
  assert.equal(await v({ unit: "--now" }), [
    'parameter unit = "--now": expected a systemd unit name like "nginx.service"',
  ]);
  assert.match((await v({}))[0] ?? "", /parameter unit: missing/);
});

test("command: exit codes read as OCF's, with the last output line as the reason", async () => {
  const run = (code: number, out = "") =>
    command.monitor(
      context(withDefaults(command.meta, { path: "/bin/sh", args: `-c 'echo ${out} >&2; exit ${code}'` })).ctx,
    );
  assert.is((await run(0)).result, "running");
  assert.is((await run(7)).result, "not-running");
  const soft = await run(1, "connection reset");
  assert.equal(soft, { result: "soft-error", reason: "/bin/sh: OCF_ERR_GENERIC: connection reset" });
  assert.is((await run(5)).result, "hard-error");
  assert.is((await run(6)).result, "fatal");
  assert.is((await run(42)).result, "soft-error");
  const missing = await command.monitor(context(withDefaults(command.meta, { path: "/nonexistent/check" })).ctx);
  assert.is(missing.result, "hard-error", "a check that is not installed is OCF_ERR_INSTALLED-like");
});

test("command: an aborted check is killed with its group and reported as such", async () => {
  const gc = join(dir, "cmd-gc");
  const { ctx, abort } = context(
    withDefaults(command.meta, { path: "/bin/sh", args: `-c 'sleep 60 & echo $! > ${gc}; sleep 60'` }),
  );
  setTimeout(() => abort.abort(), 200);
  const r = await command.monitor(ctx);
  assert.is(r.result, "soft-error");
  assert.match(r.reason, /was killed \(aborted\)/);
  assert.is(isAlive(Number(readFileSync(gc, "utf8"))), false);
});

test("command: recover runs recover_command; without one it is a hard error (fail over)", async () => {
  const marker = join(dir, "recovered");
  const with_ = await command.recover!(
    context(withDefaults(command.meta, { path: "/bin/true", recover_command: `/bin/sh -c 'echo yes > ${marker}'` }))
      .ctx,
  );
  assert.is(with_.result, "running");
  assert.is(readFileSync(marker, "utf8"), "yes\n");
  const without = await command.recover!(context(withDefaults(command.meta, { path: "/bin/true" })).ctx);
  assert.equal(without, { result: "hard-error", reason: "no recover_command configured: cannot restart in place" });
  assert.is(command.canRecover!(withDefaults(command.meta, { path: "/bin/true", recover_command: "/bin/true" })), true);
  assert.is(
    command.canRecover!(withDefaults(command.meta, { path: "/bin/true" })),
    false,
    "the policy fails over at once instead of spending a restart",
  );
  const v = (p: Params) => command.validate(withDefaults(command.meta, p));
  assert.equal(await v({ path: "check", args: "'open", recover_command: "restart it" }), [
    'parameter path = "check": expected an absolute path to an executable',
    "parameter args = \"'open\": unterminated ' quote; expected words with balanced quotes",
    'parameter recover_command = "restart it": expected an absolute path first, then its arguments',
  ]);
});

test.run();
