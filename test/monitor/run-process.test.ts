// Process-based checks: exit code and bounded output; timeout or abort kills the whole process group, grandchildren too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive, readStat, signalGroup, runProcess } from "../../src/monitor/run-process.ts";
import { waitFor } from "../helpers/wait.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-mon-proc-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const pidOf = (f: string) => Number(readFileSync(f, "utf8").trim());

test("a command's exit code, stdout and stderr come back", async () => {
  const r = await runProcess(["sh", "-c", "echo out; echo err >&2; exit 7"]);
  assert.is(r.exitCode, 7);
  assert.is(r.signal, null);
  assert.is(r.stdout, "out\n");
  assert.is(r.stderr, "err\n");
  assert.is(r.killed, false);
  assert.is(r.truncated, false);
});

test("the command leads its own process group (detached)", async () => {
  const r = await runProcess(["sh", "-c", "cut -d' ' -f5 /proc/$$/stat; echo $$"]);
  const [pgrp, pid] = r.stdout.trim().split("\n");
  assert.is(pgrp, pid, "pgrp equals the pid: a new group");
  assert.is.not(Number(pgrp), readStat(process.pid)?.pgrp);
});

test("output beyond maxOutput is read and dropped, and says so", async () => {
  const r = await runProcess(["sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"], { maxOutput: 1000 });
  assert.is(r.exitCode, 0, "the child was never blocked on a full pipe");
  assert.is(r.stdout.length, 1000);
  assert.is(r.truncated, true);
});

test("a timeout kills the process group, grandchildren included", async () => {
  const gc = join(dir, "gc1");
  const r = await runProcess(["sh", "-c", `sleep 100 & echo $! > ${gc}; sleep 100`], { timeoutMs: 300 });
  assert.is(r.killed, true);
  assert.is(r.timedOut, true);
  assert.is(r.signal, "SIGTERM");
  assert.is(r.exitCode, null);
  assert.ok(r.ms >= 290 && r.ms < 2000, `${r.ms} ms`);
  await waitFor(() => !isAlive(pidOf(gc)), 1000, "the grandchild to be gone");
});

test("a group that ignores SIGTERM gets SIGKILL after the grace", async () => {
  const gc = join(dir, "gc2");
  const r = await runProcess(["sh", "-c", `trap '' TERM; sleep 100 & echo $! > ${gc}; sleep 100`], {
    timeoutMs: 200,
    killGraceMs: 400,
  });
  assert.is(r.killed, true);
  assert.is(r.signal, "SIGKILL");
  assert.ok(r.ms >= 550, `the grace was honoured (${r.ms} ms)`);
  assert.is(isAlive(pidOf(gc)), false, "the TERM-ignoring grandchild was killed too");
});

test("aborting the signal kills the group at once", async () => {
  const gc = join(dir, "gc3");
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 150);
  const r = await runProcess(["sh", "-c", `sleep 100 & echo $! > ${gc}; sleep 100`], { signal: ctl.signal });
  assert.is(r.killed, true);
  assert.is(r.timedOut, false);
  assert.ok(r.ms < 1500, `${r.ms} ms`);
  await waitFor(() => !isAlive(pidOf(gc)), 1000, "the grandchild to be gone");
  const early = await runProcess(["true"], { signal: ctl.signal });
  assert.is(early.killed, true, "an already aborted signal does not start anything");
  assert.match(early.error ?? "", /aborted before it started/);
});

test("a command that cannot start says why (ENOENT, EACCES) and is not 'killed'", async () => {
  const missing = await runProcess(["/nonexistent/check"]);
  assert.is(missing.errorCode, "ENOENT");
  assert.match(missing.error ?? "", /cannot run \/nonexistent\/check/);
  assert.is(missing.killed, false);
  assert.is(missing.exitCode, null);
  writeFileSync(join(dir, "not-executable"), "#!/bin/sh\n", { mode: 0o644 });
  const notExec = await runProcess([join(dir, "not-executable")]);
  assert.is(notExec.errorCode, "EACCES");
});

test("a leader that exits leaving a child holding its stdout returns promptly", async () => {
  const gc = join(dir, "gc4");
  const t0 = Date.now();
  const r = await runProcess(["sh", "-c", `sleep 30 & echo $! > ${gc}; echo started`]);
  assert.ok(Date.now() - t0 < 1500, `returned after ${Date.now() - t0} ms`);
  assert.is(r.exitCode, 0);
  assert.is(r.killed, false);
  assert.ok(isAlive(pidOf(gc)), "a normal exit leaves the child alone (a start action may spawn a daemon)");
  signalGroup(readStat(pidOf(gc))?.pgrp ?? -1, "SIGKILL");
});

test.run();
