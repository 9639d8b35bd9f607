// The runner on real, short timers: hung monitors time out, hung processes are killed with their group, recovery runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MonitorPlugin } from "../../src/monitor/api.ts";
import command from "../../src/monitor/builtin/command.ts";
import type { Escalation, MonitorEvent } from "../../src/monitor/status.ts";
import { isAlive } from "../../src/monitor/run-process.ts";
import { MonitorRunner } from "../../src/monitor/runner.ts";
import { waitFor } from "../helpers/wait.ts";
import { monitorConfig } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "cg-mon-real-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("with real timers, a monitor that waits for its abort times out every interval and stop() ends it", async () => {
  const plugin: MonitorPlugin = {
    meta: { name: "waits", description: "", parameters: {} },
    validate: () => [],
    monitor: (ctx) =>
      new Promise((r) => ctx.signal.addEventListener("abort", () => r({ result: "running", reason: "too late" }))),
  };
  const runner = new MonitorRunner([{ config: monitorConfig({ interval: 150, timeout: 50, fall: 100 }), plugin }]);
  runner.start();
  await Bun.sleep(520);
  const st = runner.status()[0]!;
  const timeouts = st.history.filter((r) => r.op === "monitor" && /timed out after 50 ms/.test(r.reason));
  assert.ok(timeouts.length >= 2 && timeouts.length <= 4, `${timeouts.length} timeouts`);
  assert.ok(
    timeouts.every((r) => r.ms >= 45 && r.ms < 400),
    JSON.stringify(timeouts.map((r) => r.ms)),
  );
  assert.is(st.skipped, 0, "an aborted run that ends promptly never causes a skip");
  const t0 = Date.now();
  await runner.stop();
  assert.ok(Date.now() - t0 < 200);
  assert.is(runner.status()[0]!.state, "stopped");
});

test("with real timers, a hung check process is killed with its grandchildren and the monitor goes terminating -> idle", async () => {
  const gc = join(dir, "gc");
  const plugin: MonitorPlugin = {
    meta: { name: "proc", description: "", parameters: {} },
    validate: () => [],
    async monitor(ctx) {
      const r = await ctx.run(["sh", "-c", `sleep 100 & echo $! > ${gc}; sleep 100`], { killGraceMs: 300 });
      return {
        result: r.exitCode === 0 ? "running" : "soft-error",
        reason: r.killed ? "killed" : `exit ${r.exitCode}`,
      };
    },
  };
  const events: MonitorEvent[] = [];
  const runner = new MonitorRunner([{ config: monitorConfig({ interval: 5000, timeout: 200, fall: 3 }), plugin }], {
    onEvent: (e) => events.push(e),
  });
  runner.start();
  await waitFor(() => runner.status()[0]!.state === "terminating", 2000, "terminating");
  await waitFor(() => runner.status()[0]!.state === "idle", 2000, "idle again");
  assert.is(isAlive(Number(readFileSync(gc, "utf8"))), false, "the grandchild died with the group");
  assert.match(runner.status()[0]!.history.at(-1)!.reason, /monitor timed out after 200 ms/);
  assert.ok(events.some((e) => e.type === "state" && e.from === "terminating" && e.to === "idle"));
  await runner.stop();
});

test("with real timers, the command plugin's failures run recover_command, then escalate when restarts run out", async () => {
  const marker = join(dir, "restarted");
  const state = join(dir, "state");
  writeFileSync(state, "7");
  const config = monitorConfig({
    name: "cmd",
    plugin: "command",
    // A 90 ms limit timed the shell out on a loaded host (a timeout, not the exit code, then decided the run).
    interval: 400,
    timeout: 350,
    fall: 1,
    max_restarts: 1,
    params: { path: "/bin/sh", args: `-c 'exit $(cat ${state})'`, recover_command: `/bin/sh -c 'echo x >> ${marker}'` },
  });
  const escalations: Escalation[] = [];
  const runner = new MonitorRunner([{ config, plugin: command }], { onEscalate: (e) => escalations.push(e) });
  runner.start();
  await waitFor(() => escalations.length > 0, 6000, "an escalation");
  assert.is(readFileSync(marker, "utf8"), "x\n", "recover_command ran once");
  assert.is(escalations[0]!.action, "failover");
  writeFileSync(state, "0");
  await waitFor(() => runner.status()[0]!.health === "up", 2000, "health up again");
  assert.ok(existsSync(marker));
  await runner.stop();
});

test.run();
