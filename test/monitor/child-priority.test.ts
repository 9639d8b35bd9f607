// The agent runs under SCHED_RR with oom_score_adj -1000; what it starts (checks, recover and start commands,
// the daemons those leave behind, resource commands) runs at normal priority and can be chosen by the OOM killer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childArgv, OOM_RESET_SCRIPT } from "../../src/monitor/run-process.ts";
import { FIXTURES } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-child-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
/** -1000 as the agent has it where this process may set it (CAP_SYS_RESOURCE), else 500: either way not 0. */
const adj = spawnSync("sh", ["-c", "echo -1000 > /proc/self/oom_score_adj"]).status === 0 ? "-1000" : "500";

test(`a child of a real-time agent with oom_score_adj ${adj} is SCHED_OTHER with oom_score_adj 0, grandchildren too`, () => {
  const r = Bun.spawnSync([process.execPath, join(FIXTURES, "child-priority.ts"), adj], { stderr: "pipe" });
  assert.is(r.exitCode, 0, r.stderr.toString());
  const out = JSON.parse(r.stdout.toString()) as Record<string, unknown>;
  assert.is(out.rt, null, `setRealtime refused here: ${String(out.rt)}`);
  assert.match(String(out.self), /SCHED_RR\|SCHED_RESET_ON_FORK/, "the agent itself is real-time, reset on fork");
  assert.is(out.viaRun, "0 SCHED_OTHER", "ctx.run's child");
  assert.is(out.grandchild, "0 SCHED_OTHER", "a daemon a start action leaves behind");
  assert.is(out.viaCommands, "0 SCHED_OTHER", "a resource command (mount helpers may leave daemons)");
  assert.equal(
    out.missing,
    { code: "ENOENT", error: "cannot run /nonexistent/check: /nonexistent/check: no such file (ENOENT)" },
    "a missing program still reads as ENOENT",
  );
});

test("the wrapper is used only when the agent's own oom_score_adj is not 0, and execs the real argv", () => {
  assert.equal(childArgv(["/bin/true", "x"], {}, undefined, 0), { argv: ["/bin/true", "x"] });
  assert.equal(childArgv(["/bin/true", "x"], {}, undefined, 300), {
    argv: ["/bin/sh", "-c", OOM_RESET_SCRIPT, "sh", "/bin/true", "x"],
  });
  assert.equal(childArgv(["/bin/true", "x"], {}, undefined, -1000), {
    argv: ["/bin/sh", "-c", OOM_RESET_SCRIPT, "sh", "/bin/true", "x"],
  });
  assert.equal(childArgv(["true"], { PATH: "/nonexistent" }, undefined, -1000), {
    code: "ENOENT",
    error: "true: not found on PATH (ENOENT)",
  });
  const plain = join(dir, "plain");
  writeFileSync(plain, "#!/bin/sh\n", { mode: 0o644 });
  assert.equal(childArgv([plain], {}, undefined, -1000), {
    code: "EACCES",
    error: `${plain}: not executable (EACCES)`,
  });
  assert.equal(childArgv(["rel/check"], {}, "/nonexistent", 500), {
    code: "ENOENT",
    error: "/nonexistent/rel/check: no such file (ENOENT)",
  });
});

test.run();
