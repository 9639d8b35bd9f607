// Scenarios for the agent after boot: a failing service, a planned switchover.
import { ask } from "../control.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import type { Node } from "../paths.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { checkQuietAfterReset, consoleEvent, startOneByOne, typeAt } from "./checks.ts";

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
  const killAt = await typeAt(run, "a", "systemctl kill -s KILL workload.service");
  const recovered = await consoleEvent("a", killAt, (e) => e.event === "sma-recovery" && e.message.includes(": recover:"), 120000);
  run.expect(!!recovered, "a's service monitoring agent restarted the workload in place");
  const ack = await consoleEvent("a", (recovered?.at ?? killAt) + 1, (e) => e.kind === "ack", 60000);
  run.expect(!!ack, "the workload writes again on a");
  run.time("service killed -> restarted in place, writing again", (ack?.at ?? Date.now()) - killAt);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "no failover for a service that recovered");
  run.step("break the workload on a for good (a node-local fault: /run/workload-broken)");
  const breakAt = await typeAt(run, "a", "touch /run/workload-broken; systemctl kill -s KILL workload.service");
  const esc = await consoleEvent("a", breakAt, (e) => e.event === "sma-escalate", 180000);
  run.expect(!!esc && esc.message.includes("failover"), "a's agent asked for failover once restarts were exhausted");
  await expectHandover(run, "a", "b", breakAt, "service broken for good");
}

/** `clusterguard standby` on the ACTIVE: a planned switchover that loses no acknowledged write. */
export async function scenarioSwitchover(run: Run): Promise<void> {
  await startOneByOne(run);
  await Bun.sleep(5000);
  run.step("clusterguard standby on a");
  const at = await typeAt(run, "a", "clusterguard standby");
  await expectHandover(run, "a", "b", at, "planned switchover: clusterguard standby");
}

type ShellAnswer = { exitCode?: number; output?: string; error?: string };

/** Run `command` in `n`'s initrd shell (hvc0), the only shell a parked node has. */
async function inInitrd(n: Node, command: string, ms: number): Promise<ShellAnswer> {
  return ask<ShellAnswer>({ cmd: "shell", node: n, args: command, timeoutMs: ms }, ms + 10000);
}

/**
 * `clusterguard takeover` typed in the parked STANDBY's initrd (heartbeat's hb_takeover): its guard asks the ACTIVE,
 * whose agent hands over by the planned switchover; b continues its boot without fencing a. `status` works there too.
 */
export async function scenarioTakeover(run: Run): Promise<void> {
  await startOneByOne(run);
  run.step("clusterguard status in b's initrd shell (b parked as STANDBY)");
  const st = await inInitrd("b", "clusterguard status --json", 60000);
  run.expect(st.exitCode === 0, `clusterguard status ran in b's initrd (${st.error ?? st.output?.slice(-300)})`);
  const report = JSON.parse(st.output!.slice(st.output!.indexOf("{"))) as { role: string; peer: { role: string } };
  run.expect(report.role === "STANDBY" && report.peer.role === "ACTIVE", `b's guard reports itself STANDBY and a ACTIVE (got ${report.role}, ${report.peer.role})`);
  run.step("clusterguard takeover in b's initrd shell");
  let at = Date.now();
  let tk = await inInitrd("b", "clusterguard takeover", 130000);
  // An ACTIVE whose boot has not finished has no agent to hand over yet: an admin asks again a little later.
  for (let i = 0; i < 6 && tk.exitCode !== 0 && /boot has not finished/.test(tk.output ?? ""); i++) {
    await Bun.sleep(10000);
    at = Date.now();
    tk = await inInitrd("b", "clusterguard takeover", 130000);
  }
  run.expect(tk.exitCode === 0, `clusterguard takeover answered ok on b (${tk.error ?? tk.output?.slice(-300)})`);
  await expectHandover(run, "a", "b", at, "clusterguard takeover on the STANDBY");
}
