// `clusterguard watch` on a real terminal (a pty from script(1)): the keys work in raw mode, and q leaves at once
// while a slow action still waits for the agent.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { EXE } from "../helpers/exe.ts";
import { type Running, serve, tempDir } from "../agent/mgmt-helpers.ts";

const dir = tempDir("cg-watch-tty-");
const socket = join(dir, "cg.sock");
let running: Running;
test.before(async () => {
  running = await serve({ socket });
});
test.after(() => running.server.stop());

test("q leaves while a standby still waits for the agent, saying it goes on there", async () => {
  if (Bun.which("script") === null) return console.log("  (watch-tty: no script(1); skipped)");
  running.handler.delayMs = 20_000;
  try {
    const p = Bun.spawn(["script", "-qfec", `${EXE} watch --interval 500 --socket ${socket}`, "/dev/null"], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    await Bun.sleep(700);
    p.stdin.write("sy");
    await p.stdin.flush();
    for (let i = 0; i < 50 && !running.handler.calls.includes("standby"); i++) await Bun.sleep(20);
    assert.ok(running.handler.calls.includes("standby"), "s then y asked for the standby");
    const t0 = performance.now();
    p.stdin.write("q");
    await p.stdin.flush();
    const code = await Promise.race([p.exited, Bun.sleep(3000).then(() => "still running")]);
    if (code === "still running") p.kill("SIGKILL");
    assert.is(code, 0, "q ended watch while the standby was still running");
    assert.ok(performance.now() - t0 < 2000);
    const out = await new Response(p.stdout).text();
    assert.match(out, /standby: waiting for the agent\.\.\. \(\[q\] leaves; it goes on there\)/);
    assert.match(out, /standby still runs on the agent: clusterguard status shows how it ends/);
  } finally {
    running.handler.delayMs = 0;
  }
});

test.run();
