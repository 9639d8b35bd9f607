// Scenarios that cut heartbeat paths while both nodes run: warnings only, or one fence and exactly one ACTIVE.
import { ask } from "../control.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { checkParked, checkQuietAfterReset, consoleEvent, guard, startOneByOne, waitWriting } from "./checks.ts";

/** Cut one or all heartbeat cables while both run: a warning, never a second writer. */
export function scenarioCut(link: "serial" | "ethernet" | "all") {
  return async (run: Run): Promise<void> => {
    await startOneByOne(run);
    run.step(`cut ${link}`);
    const cutAt = Date.now();
    await ask({ cmd: "cut", link });
    await Bun.sleep(15000);
    const c = await consoles();
    const channel = link === "ethernet" ? "udp" : link === "serial" ? "serial" : "";
    run.expect(
      c.b.some(
        (e) => e.at >= cutAt && e.event === "link-dead" && e.message.includes(channel ? `link ${channel}` : "link"),
      ),
      `b warned that ${link} is dead`,
    );
    const s = await ask<Status>({ cmd: "status" });
    run.expect(
      s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY",
      "no failover: the shared-disk heartbeat (and any remaining cable) still carries a's heartbeats",
    );
    await checkParked(run, "b");
    run.step(`heal ${link}`);
    const healAt = Date.now();
    await ask({ cmd: "heal", link });
    await Bun.sleep(8000);
    const c2 = await consoles();
    run.expect(
      c2.b.some((e) => e.at >= healAt && e.event === "link-restored"),
      "b saw the link come back",
    );
  };
}

/**
 * The ACTIVE loses every path to its peer while both run: both cables cut and its heartbeat disk failing.
 * Exactly one ACTIVE afterwards (b, after a confirmed fence), a reset (by b's fence or its own watchdog, which it
 * stops petting when it cannot read its slot), and a, booting isolated, never fences b: no fence loop.
 */
export async function scenarioIsolateActive(run: Run): Promise<void> {
  await startOneByOne(run);
  run.step("cut serial and Ethernet, and fail a's heartbeat disk");
  const at = Date.now();
  await ask({ cmd: "cut", link: "all" });
  await ask({ cmd: "diskcut", node: "a" });
  run.step("b hears a nowhere: fence, then b ACTIVE; a, reset, boots isolated and must not fence b");
  await waitWriting(run, "b");
  const cb = (await consoles()).b;
  const fenced = firstAfter(cb, at, guard("fence-confirmed"));
  run.expect(!!fenced, "b fenced a (confirmed) before going ACTIVE");
  run.time(
    "links and disk cut -> workload writing on b",
    (firstAfter(cb, at, (e) => e.kind === "ack")?.at ?? Date.now()) - at,
  );
  await waitStatus(run.t0, "a back, parked", (s) => s.nodes.a.role === "STANDBY", 300000);
  const refused = await consoleEvent("a", at, (e) => e.event === "startup-fence-refused", 60000);
  run.expect(!!refused, "a, booting alone with its heartbeat disk failing, refused startup fencing");
  await Bun.sleep(20000);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(
    s.nodes.a.role === "STANDBY" && s.nodes.b.role === "ACTIVE",
    "exactly one ACTIVE: b; a STANDBY (reset once, no fence loop)",
  );
  run.expect(!(await consoles()).a.some((e) => e.at >= at && e.event === "fence-request"), "a never fenced b");
  await checkQuietAfterReset(run, "a", "b");
}
