// The live watch session against a real management socket: redraws only what changed, keeps q working while an action runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { HOME_CLEAR } from "../../src/cli/watch-frame.ts";
import { WatchSession } from "../../src/cli/watch-session.ts";
import { type Running, serve, tempDir } from "../agent/mgmt-helpers.ts";

const dir = tempDir("cg-watch-");
const socket = join(dir, "cg.sock");
let running: Running;
test.before(async () => {
  running = await serve({ socket });
});
test.after(() => running.server.stop());

function session() {
  const out: string[] = [];
  const s = new WatchSession({ target: { kind: "unix", path: socket }, intervalMs: 2000, timeoutMs: 2000, clear: true, write: (x) => out.push(x), width: () => 80, height: () => 24 });
  return { s, out };
}

test("refreshes of an unchanged status send nothing but the clock line; the frame never exceeds 24 rows", async () => {
  const { s, out } = session();
  await s.refresh();
  assert.ok(out[0]?.startsWith(HOME_CLEAR));
  assert.ok((out[0]?.split("\r\n").length ?? 0) <= 24);
  for (let i = 0; i < 5; i++) await s.refresh();
  const later = out.slice(1).join("");
  assert.not.match(later, HOME_CLEAR, "no full redraw");
  assert.ok(later.length <= 5 * 120, `${later.length} bytes for 5 refreshes`);
  s.invalidate();
  s.draw();
  assert.ok(out.at(-1)?.startsWith(HOME_CLEAR), "after a resize: one full redraw");
});

test("while an action waits for the agent, q still leaves at once, and other keys do not start another", async () => {
  const { s, out } = session();
  await s.refresh();
  running.handler.calls = [];
  running.handler.delayMs = 3000;
  try {
    await s.key("s");
    const waiting = s.key("y");
    await Bun.sleep(100);
    assert.is(s.busyWith, "standby");
    assert.match(out.join(""), /standby: waiting for the agent\.\.\. \(\[q\] leaves; it goes on there\)/);
    const t0 = performance.now();
    await s.key("t");
    await s.key("y");
    await s.key("q");
    assert.ok(performance.now() - t0 < 50, "answered at once");
    assert.is(s.quit, true);
    assert.equal(running.handler.calls.filter((c) => c !== "status"), ["standby"], "t, y did nothing while busy");
    void waiting;
  } finally {
    running.handler.delayMs = 0;
  }
});

test.run();
