// Scenarios about starting: one by one, both at once, and a guard that cannot run.
import { ask } from "../control.ts";
import { prepare, type Status, up } from "../lifecycle.ts";
import { consoles, type Run } from "../scenario-kit.ts";
import { checkParked, guard, startOneByOne } from "./checks.ts";

export async function scenarioStartOneByOne(run: Run): Promise<void> {
  const { standby } = await startOneByOne(run);
  run.step("30 s of steady state");
  await Bun.sleep(30000);
  await checkParked(run, standby);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "still a ACTIVE, b STANDBY");
}

export async function scenarioGuardFailsSafe(run: Run): Promise<void> {
  run.step("boot a with a node name the config does not know (a broken guard)");
  await prepare(run.t0);
  const grep = async (text: string) =>
    (await ask<{ count?: number }>({ cmd: "grep", node: "a", link: text })).count ?? 0;
  await ask({ cmd: "on", node: "a", args: "rd.clusterguard.node=nosuch" });
  const t = Date.now();
  while ((await grep("will NOT mount the shared root")) === 0) {
    run.expect(Date.now() - t < 240000, "the guard's refusal on the console within 240 s");
    await Bun.sleep(1000);
  }
  run.time("power-on -> the guard refused to continue", Date.now() - t);
  run.expect((await grep("configuration error (exit code 2)")) > 0, "the refusal names a configuration error");
  run.expect(
    (await grep("rd.clusterguard.node: nosuch")) + (await grep("nosuch")) > 0,
    "the console names the bad value",
  );
  run.step("30 s later: still stopped in the initrd");
  await Bun.sleep(30000);
  await checkParked(run, "a");
}

export async function scenarioSimulStart(run: Run): Promise<void> {
  run.step("power on a and b at the same moment");
  const s = await up(run.t0, true);
  const spread = Math.abs(s.nodes.a.poweredOnAt - s.nodes.b.poweredOnAt);
  run.time("power-on spread", spread);
  run.expect(
    s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY",
    "exactly one ACTIVE: a (priority 200); b STANDBY",
  );
  const c = await consoles();
  run.expect(
    !c.a.some(guard("fence-request")) && !c.b.some(guard("fence-request")),
    "no fence when both boot together",
  );
  await checkParked(run, "b");
}
