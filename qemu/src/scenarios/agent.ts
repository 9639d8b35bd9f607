// Scenarios for the agent after boot: a failing service, a planned switchover.
import { ask } from "../control.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import type { Node } from "../paths.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { checkQuietAfterReset, consoleEvent, startOneByOne } from "./checks.ts";

/** The ACTIVE hands over (a planned switchover or a failed service): b continues its boot without fencing a. */
export async function expectHandover(run: Run, from: Node, to: Node, at: number, what: string): Promise<void> {
  await waitStatus(run.t0, `${to} ACTIVE with the workload writing`, (s) => s.nodes[to].role === "ACTIVE" && s.nodes[to].acks > 0, 300000);
  const c = await consoles();
  const frozen = firstAfter(c[from], at, (e) => e.event === "switchover" && e.message.includes("frozen"));
  run.expect(!!frozen, `${from} froze the shared root and announced STOPPED`);
  run.expect(!c[to].some((e) => e.at >= at && e.event === "fence-request"), `${to} took over without fencing ${from} (it released the role)`);
  const ack = firstAfter(c[to], at, (e) => e.kind === "ack");
  run.time(`${what} -> workload writing on ${to}`, (ack?.at ?? Date.now()) - at);
  run.step(`${from} reboots and must come back STANDBY`);
  await waitStatus(run.t0, `${from} back as STANDBY`, (s) => s.nodes[from].role === "STANDBY", 300000);
  await checkQuietAfterReset(run, from, to);
}

/** A monitored service fails once (restarted in place, no failover), then for good (failover to the peer). */
export async function scenarioServiceFailure(run: Run): Promise<void> {
  await startOneByOne(run);
  await Bun.sleep(5000);
  run.step("kill the workload on a once");
  const killAt = Date.now();
  await ask({ cmd: "exec", node: "a", args: "systemctl kill -s KILL workload.service" });
  const recovered = await consoleEvent("a", killAt, (e) => e.event === "sma-recovery" && e.message.includes(": recover:"), 120000);
  run.expect(!!recovered, "a's service monitoring agent restarted the workload in place");
  const ack = await consoleEvent("a", (recovered?.at ?? killAt) + 1, (e) => e.kind === "ack", 60000);
  run.expect(!!ack, "the workload writes again on a");
  run.time("service killed -> restarted in place, writing again", (ack?.at ?? Date.now()) - killAt);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "no failover for a service that recovered");
  run.step("break the workload on a for good (a node-local fault: /run/workload-broken)");
  const breakAt = Date.now();
  await ask({ cmd: "exec", node: "a", args: "touch /run/workload-broken; systemctl kill -s KILL workload.service" });
  const esc = await consoleEvent("a", breakAt, (e) => e.event === "sma-escalate", 180000);
  run.expect(!!esc && esc.message.includes("failover"), "a's agent asked for failover once restarts were exhausted");
  await expectHandover(run, "a", "b", breakAt, "service broken for good");
}

/** `clusterguard standby` on the ACTIVE: a planned switchover that loses no acknowledged write. */
export async function scenarioSwitchover(run: Run): Promise<void> {
  await startOneByOne(run);
  await Bun.sleep(5000);
  run.step("clusterguard standby on a");
  const at = Date.now();
  await ask({ cmd: "exec", node: "a", args: "clusterguard standby" });
  await expectHandover(run, "a", "b", at, "planned switchover: clusterguard standby");
}
