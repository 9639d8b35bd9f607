// `clusterguard takeover` on the parked STANDBY: its guard's own socket takes the request, the ACTIVE's agent
// hands over by a planned switchover (no fence), and the STANDBY goes ACTIVE. Refusals say why.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { runExeAsync } from "../helpers/exe.ts";
import { Pair } from "./pair.ts";

const pair = new Pair(18050);
test.before(() => pair.setup());
test.after(() => pair.teardown());

const sock = (n: string) => join(pair.dir, `mgmt-${n}.sock`);

test("takeover typed on the STANDBY: refused while the ACTIVE has no agent, then a switchover without a fence", async () => {
  const handover = join(pair.dir, "handover.sock");
  const guardA = pair.start("a", ["--handover-socket", handover]);
  const b = pair.start("b", ["--management-socket", sock("b")]);
  try {
    await pair.until(() => guardA.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    await pair.until(() => b.find("mgmt-listening") !== undefined, 5000, "b's guard serves its management socket");

    const st = await runExeAsync(["status", "--json", "--socket", sock("b")]);
    assert.is(st.code, 0, st.stderr);
    const report = JSON.parse(st.stdout);
    assert.is(report.role, "STANDBY");
    assert.is(report.peer.role, "ACTIVE");

    const early = await runExeAsync(["takeover", "--socket", sock("b")]);
    assert.is(early.code, 1, `refused while a's guard has no agent: ${early.stdout}${early.stderr}`);
    assert.match(early.stderr, /a: refused: a is ACTIVE but its boot has not finished/);
    assert.is(b.role, "STANDBY");

    const agent = pair.start(
      "a",
      ["--handover-socket", handover, "--handover-file", join(pair.dir, "h.json"), "--management-socket", sock("a")],
      "agent",
    );
    await pair.until(() => agent.find("start") !== undefined, 10000, "a's agent took the links over");
    await Bun.sleep(500);

    const onActive = await runExeAsync(["takeover", "--socket", sock("a")]);
    assert.is(onActive.code, 0, onActive.stderr);
    assert.match(onActive.stdout, /already ACTIVE/);

    const fencesBefore = pair.fenceCalls("b").length;
    const t0 = Date.now();
    const tk = await runExeAsync(["takeover", "--socket", sock("b")]);
    assert.is(tk.code, 0, `${tk.stdout}${tk.stderr}\n${b.describe()}\n${agent.describe()}`);
    assert.match(tk.stdout, /takeover: (a: shared root.*frozen|this node is ACTIVE)/);
    await pair.until(() => b.role === "ACTIVE", 10000, "b ACTIVE after the takeover");
    const ms = Date.now() - t0;
    await Promise.race([agent.proc.exited, Bun.sleep(10000)]);
    assert.ok(
      agent.find("switchover", (e) => /peer ACTIVE \d+ ms after the request/.test(e.message)),
      `a saw b ACTIVE and rebooted at once:\n${agent.describe()}\n${b.describe()}`,
    );
    assert.is(agent.proc.exitCode, 3, "host mode: the 'reboot' after handing over ends the process");
    assert.ok(agent.find("takeover-requested"), agent.describe());
    assert.ok(
      agent.find("switchover", (e) => /announced STOPPED/.test(e.message)),
      agent.describe(),
    );
    assert.is(pair.fenceCalls("b").length, fencesBefore, "b took over without fencing a");
    assert.match(b.find("role", (e) => e.role === "ACTIVE")!.message, /released the ACTIVE role/);
    console.log(`    takeover in host mode: b ACTIVE ${ms} ms after the request (client said: ${tk.stdout.trim()})`);
  } finally {
    await guardA.stop();
  }
});

test.run();
