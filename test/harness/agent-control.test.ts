// The agent's management socket end to end: the client's status shows the pair; `standby` hands the ACTIVE
// role over cleanly (STOPPED announced, the STANDBY takes over without fencing), then the node "reboots".
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { runExe } from "../helpers/exe.ts";
import { HARNESS_TIMERS as T, Pair } from "./pair.ts";

const pair = new Pair(18020);
test.before(() => pair.setup());
test.after(() => pair.teardown());

const mgmt = () => join(pair.dir, "mgmt.sock");

test("status through the agent's socket, then a planned switchover to the STANDBY without a fence", async () => {
  const sock = join(pair.dir, "handover.sock");
  const guard = pair.start("a", ["--handover-socket", sock]);
  const b = pair.start("b");
  try {
    await pair.until(() => guard.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    const agent = pair.start(
      "a",
      ["--handover-socket", sock, "--handover-file", join(pair.dir, "h.json"), "--management-socket", mgmt()],
      "agent",
    );
    await pair.until(() => agent.find("start") !== undefined, 10000, "agent started");
    await Bun.sleep(5 * T.keepalive);

    const st = runExe(["status", "--json", "--socket", mgmt()]);
    assert.is(st.code, 0, st.stderr);
    const report = JSON.parse(st.stdout);
    assert.is(report.role, "ACTIVE");
    assert.is(report.node, "a");
    assert.is(report.peer.role, "STANDBY");
    assert.equal(report.links.map((l: { kind: string }) => l.kind).sort(), ["disk", "serial", "udp"]);
    assert.ok(
      report.links.every((l: { up: boolean; lastHeardAgoMs: number }) => l.up && l.lastHeardAgoMs < T.warntime),
      st.stdout,
    );
    const human = runExe(["status", "--socket", mgmt()]);
    assert.match(human.stdout, /ACTIVE/);

    const fenceNo = runExe(["fence", "b", "--socket", mgmt()]);
    assert.is(fenceNo.code, 2, "fence without --confirm is a usage error");

    const fencesBefore = pair.fenceCalls("b").length;
    const t0 = Date.now();
    const sw = runExe(["standby", "--socket", mgmt()]);
    assert.is(sw.code, 0, sw.stderr);
    assert.match(sw.stdout, /STOPPED announced/);
    await pair.until(() => b.role === "ACTIVE", 10000, "b ACTIVE after the switchover");
    await Promise.race([agent.proc.exited, Bun.sleep(10000)]);
    const ms = Date.now() - t0;
    assert.ok(
      agent.find("switchover", (e) => /peer ACTIVE \d+ ms after the request/.test(e.message)),
      `a saw b ACTIVE and rebooted at once (no false dual ACTIVE killed b):\n${agent.describe()}\n${b.describe()}`,
    );
    assert.is(agent.proc.exitCode, 3, "host mode: the 'reboot' after handing over ends the process");
    assert.ok(
      agent.find("switchover", (e) => /announced STOPPED/.test(e.message)),
      agent.describe(),
    );
    assert.is(pair.fenceCalls("b").length, fencesBefore, "b took over without fencing a");
    assert.match(b.find("role", (e) => e.role === "ACTIVE")!.message, /released the ACTIVE role/);
    console.log(
      `    planned switchover in host mode: b ACTIVE ${ms} ms after the request (client said: ${sw.stdout.trim() || sw.stderr.trim()})`,
    );
  } finally {
    await guard.stop();
  }
});

test.run();
