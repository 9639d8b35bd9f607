// bench/startup.ts against the real executable: each fresh guard's first datagram is seen by the relay and its start
// line read, in the order they happen, and `--version` is timed apart.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { measureStartup } from "../../bench/startup.ts";

test("two fresh guards: each run counted, the first heartbeat seen on the wire after the exec", async () => {
  const said: string[] = [];
  const r = await measureStartup(2, 17985, (what, counted) => said.push(`${counted}: ${what}`));
  assert.equal(r.failures, []);
  assert.is(r.samples.length, 2);
  assert.is(r.versionExit.n, 2);
  for (const s of r.samples) {
    assert.ok(Number.isFinite(s.firstHeartbeatMs) && s.firstHeartbeatMs > 0, `first heartbeat ${s.firstHeartbeatMs}`);
    assert.ok(Number.isFinite(s.startLogMs) && s.startLogMs > 0, `start line ${s.startLogMs}`);
  }
  assert.is(said.length, 2);
  assert.match(said[0]!, /^true: first heartbeat \d+ ms after the exec/);
});

test.run();
