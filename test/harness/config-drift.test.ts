// The guard records the config and authkey it ran with in its run directory; an agent of the same boot that read
// another config warns that the initrd's copy is older (`initrd regenerate`), and one that read the same does not.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Pair } from "./pair.ts";

const pair = new Pair(18310);
test.before(() => pair.setup());
test.after(() => pair.teardown());

test("an agent that reads an edited config beside its guard's record warns once at start; an unchanged one does not", async () => {
  const run = join(pair.dir, "run");
  const sock = join(pair.dir, "handover-a.sock");
  const agentArgs = ["--run-dir", run, "--handover-socket", sock, "--handover-file", join(pair.dir, "h.json")];
  const guard = pair.start("a", ["--run-dir", run, "--handover-socket", sock]);
  const b = pair.start("b");
  try {
    await pair.until(() => guard.role === "ACTIVE" && b.role === "STANDBY", 10000, "a ACTIVE, b STANDBY");
    assert.ok(existsSync(join(run, "config.json")), "the guard recorded what it ran with");
    const same = pair.start("a", agentArgs, "agent");
    await pair.until(() => same.find("start") !== undefined, 10000, "the agent took over");
    await guard.proc.exited;
    assert.is(same.find("config-changed"), undefined, same.describe());

    // The admin edits the config (a hook added: it means something) and restarts the agent.
    appendFileSync(pair.cfg, '\n[[notify]]\ncommand = "/bin/true"\nevents = ["role"]\n');
    same.signal("SIGTERM");
    await same.proc.exited;
    const edited = pair.start("a", agentArgs, "agent");
    await pair.until(() => edited.find("start") !== undefined, 10000, "the restarted agent took over");
    const w = edited.find("config-changed");
    assert.ok(w, edited.describe());
    assert.is(w?.level, "warning");
    assert.match(
      w?.message ?? "",
      /^the guard in the initrd ran this boot with another copy of the configuration than this agent read .*run 'clusterguard initrd regenerate'/,
    );
    assert.is(w?.differs, "the configuration");
  } finally {
    await guard.stop();
  }
});

test.run();
