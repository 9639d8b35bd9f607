// STOPPED lasts for the rest of the boot: an agent restarted after a planned switchover's STOPPED comes back STOPPED,
// under the same incarnation, and brings nothing up.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { runExeAsync } from "../helpers/exe.ts";
import { Pair } from "./pair.ts";

const pair = new Pair(18200);
test.before(() => pair.setup());
test.after(() => pair.teardown());

const mgmt = () => join(pair.dir, "mgmt-a.sock");
const agentArgs = () => [
  "--handover-socket",
  join(pair.dir, "handover-a.sock"),
  "--handover-file",
  join(pair.dir, "handover-a.json"),
  "--management-socket",
  mgmt(),
  "--run-dir",
  join(pair.dir, "run-a"),
];

test("an agent restarted after the switchover's STOPPED resumes STOPPED, says why, and starts nothing", async () => {
  const guard = pair.start("a", [
    "--handover-socket",
    join(pair.dir, "handover-a.sock"),
    "--run-dir",
    join(pair.dir, "run-a"),
  ]);
  const b = pair.start("b");
  try {
    await pair.until(() => guard.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    const agent = pair.start("a", agentArgs(), "agent");
    await pair.until(
      () => agent.find("start") !== undefined && agent.find("mgmt-listening") !== undefined,
      10000,
      "a's agent took the links over",
    );
    await Bun.sleep(500);
    const inc = Number(agent.find("start")!.incarnation);
    const sb = await runExeAsync(["standby", "--socket", mgmt()]);
    assert.is(sb.code, 0, `${sb.stdout}${sb.stderr}\n${agent.describe()}`);
    // An admin restarts the agent while it waits for the peer (or it has already "rebooted": host mode ends it).
    await agent.stop();
    await pair.until(() => b.role === "ACTIVE", 10000, "b ACTIVE after a's STOPPED");

    const again = pair.start("a", agentArgs(), "agent");
    await pair.until(
      () => again.find("start") !== undefined && again.find("mgmt-listening") !== undefined,
      10000,
      "the restarted agent started",
    );
    await Bun.sleep(1000);
    const start = again.find("start")!;
    assert.is(start.role, "STOPPED", again.describe());
    assert.is(Number(start.incarnation), inc, "the same incarnation: this boot goes on");
    assert.is(
      again.find("role", (e) => e.role === "ACTIVE"),
      undefined,
      again.describe(),
    );
    assert.match(
      again.find("stopped", (e) => e.level === "critical")!.message,
      /this boot released the ACTIVE role .*reboot this node to rejoin/,
    );
    assert.match(again.find("resources")!.message, /not starting resources or services: this node is STOPPED/);
    const st = await runExeAsync(["status", "--json", "--socket", mgmt()]);
    assert.is(st.code, 4, `a STOPPED node beside its ACTIVE peer is degraded (it must reboot): ${st.stderr}`);
    const report = JSON.parse(st.stdout);
    assert.is(report.role, "STOPPED");
    assert.match(String(report.blocked), /this boot released the ACTIVE role/);
    assert.is(b.role, "ACTIVE", b.describe());
    assert.is(b.find("self-fence"), undefined, "b never saw a second ACTIVE");
    await again.stop();
  } finally {
    await guard.stop();
  }
});

test.run();
