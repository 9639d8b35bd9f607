// Scenarios where the ACTIVE dies or hangs: detection, fence, takeover, and the fenced node coming back.
import { ConsoleCamera } from "../console-camera.ts";
import { ask } from "../control.ts";
import { LAB_TIMERS } from "../lab-config.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import type { Node } from "../paths.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { checkParked, checkQuietAfterReset, consoleEvent, guard, startOneByOne, waitWriting } from "./checks.ts";

/** The ACTIVE power-cut: the STANDBY detects, fences, takes over. With `cam`, the web console photographed throughout. */
export async function scenarioKillActive(run: Run, cam?: ConsoleCamera): Promise<void> {
  const { active, standby, s } = await startOneByOne(run);
  if (cam) {
    await cam.overview(
      "before",
      `${active}'s overview before the power cut`,
      { self: "ACTIVE", peer: "STANDBY" },
      180000,
    );
    await waitOutHandoffGrace(run, active, standby, s.nodes[active].poweredOnAt);
  }
  run.step(`power cut on ${active}`);
  await ask({ cmd: "kill", node: active });
  const cutAt = Date.now();
  const during = cam?.whenLeft("during", `${active}'s overview at its power cut`, () => false, 60000);
  await waitWriting(run, standby);
  const c = (await consoles())[standby];
  const dead = firstAfter(c, cutAt, guard("peer-dead"));
  const fenceReq = firstAfter(c, cutAt, guard("fence-request"));
  const fenced = firstAfter(c, cutAt, guard("fence-confirmed"));
  const ack = firstAfter(c, cutAt, (e) => e.kind === "ack");
  run.expect(
    !!dead && !!fenceReq && !!fenced && !!ack,
    `${standby} logged peer-dead, fence-request, fence-confirmed and a workload ack`,
  );
  run.time("failure detection: power cut -> peer declared dead", dead!.at - cutAt);
  run.time("fence: request -> confirmed", fenced!.at - fenceReq!.at);
  run.time("takeover: power cut -> workload writing on the survivor", ack!.at - cutAt);
  const roleActive = firstAfter(c, cutAt, (e) => e.kind === "guard" && e.event === "role" && e.role === "ACTIVE");
  run.expect(!!roleActive && roleActive.at >= fenced!.at, "ACTIVE only after the confirmed fence");
  await during;
  const after = `${standby}'s overview after the takeover (${active} fenced by its BMC: powered off, then on)`;
  await cam?.overview("after", after, { self: "ACTIVE" }, 180000);
  await Bun.sleep(5000);
}

/**
 * The console is served by the ACTIVE's agent, which announces a handoff grace (LAB_TIMERS.handoff_grace) when it
 * takes the links over from the guard: a power cut within it is declared dead only once the grace is over (seen:
 * 9.8 s instead of 5 s). So the photographed kill-active waits it out, and its detection measures deadtime alone.
 */
async function waitOutHandoffGrace(run: Run, active: Node, standby: Node, since: number): Promise<void> {
  run.step(`waiting out ${active}'s handoff grace (its agent took the links over), so the detection is deadtime alone`);
  const isGrace = (e: { event?: string }) => e.event === "grace";
  // A standby whose guard started only after the hand-over and its grace (a slow boot on a loaded host) heard no grace
  // and holds none: there is nothing to wait out.
  const c = await consoles();
  const started = (who: string) => (e: { at: number; kind: string; event?: string; message: string }) =>
    e.at >= since && guard("start")(e) && e.message.startsWith(`${who} started`);
  const agentStart = c[active].find(started("agent"));
  const guardStart = c[standby].find(started("guard"));
  const heardGrace = c[standby].some((e) => e.at >= since && isGrace(e));
  if (agentStart && guardStart && guardStart.at > agentStart.at + LAB_TIMERS.handoff_grace && !heardGrace)
    return run.step(
      `${standby}'s guard started ${((guardStart.at - agentStart.at) / 1000).toFixed(1)} s after ${active}'s agent took the links over, past its grace: nothing to wait out`,
    );
  run.expect(
    !!(await consoleEvent(standby, since, isGrace, 120000)),
    `${standby} heard ${active}'s agent announce its handoff grace`,
  );
  const last = (await consoles())[standby].filter((e) => e.at >= since && isGrace(e)).at(-1)!;
  await Bun.sleep(Math.max(0, last.at + LAB_TIMERS.handoff_grace + 1000 - Date.now()));
}

/** kill-active, then the survivor's own cold boot alone in the same run: what the hot standby saved. */
export async function scenarioKillActiveColdBoot(run: Run): Promise<void> {
  await ConsoleCamera.around(run, (cam) => scenarioKillActive(run, cam));
  // b's fence powered a on again (a BMC's reset is off, then on): cut both.
  run.step("power cut on both, then b cold-boots alone (initdead, fence of the powered-off a, boot)");
  await ask({ cmd: "kill", node: "a" });
  await ask({ cmd: "kill", node: "b" });
  await Bun.sleep(1000);
  const at = Date.now();
  await ask({ cmd: "on", node: "b" });
  const ack = await consoleEvent("b", at, (e) => e.kind === "ack", 400000);
  run.expect(!!ack, "a workload ack from b's cold boot within 400 s");
  run.time("survivor's cold boot alone: power-on -> workload writing", ack!.at - at);
  run.r.timings["takeover / survivor's cold boot (%)"] = Math.round(
    (100 * (run.r.timings["takeover: power cut -> workload writing on the survivor"] ?? 0)) / (ack!.at - at),
  );
}

export async function scenarioHangActive(run: Run): Promise<void> {
  await startOneByOne(run);
  run.step("pause a (a hung machine: no process dies, no socket closes)");
  await ask({ cmd: "pause", node: "a" });
  const at = Date.now();
  await waitWriting(run, "b");
  const c = (await consoles()).b;
  const dead = firstAfter(c, at, guard("peer-dead"));
  const fenced = firstAfter(c, at, guard("fence-confirmed"));
  run.expect(!!dead && !!fenced, "b declared a dead and fenced it (the PDU reset the paused VM) before taking over");
  run.time("failure detection: pause -> peer declared dead", dead!.at - at);
  run.time(
    "takeover: pause -> workload writing on b",
    (firstAfter(c, at, (e) => e.kind === "ack")?.at ?? Date.now()) - at,
  );
  run.step("the reset a boots again: it must come back STANDBY and never write");
  await waitStatus(run.t0, "a back as STANDBY", (s) => s.nodes.a.role === "STANDBY", 300000);
  await checkQuietAfterReset(run, "a", "b");
}

export async function scenarioFencedNodeRejoins(run: Run): Promise<void> {
  await scenarioKillActive(run);
  run.step("power a on again after its fence");
  const at = Date.now();
  await ask({ cmd: "on", node: "a" });
  await waitStatus(run.t0, "a back as STANDBY", (s) => s.nodes.a.role === "STANDBY", 300000);
  await Bun.sleep(20000);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "STANDBY" && s.nodes.b.role === "ACTIVE", "a STANDBY, b still ACTIVE: no fence loop");
  const c = await consoles();
  run.expect(!c.a.some((e) => e.at >= at && e.event === "fence-request"), "the rejoining node fenced nobody");
  await checkParked(run, "a");
}
