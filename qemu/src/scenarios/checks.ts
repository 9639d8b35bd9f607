// What the scenarios check again and again: the parked node untouched, the pair started, console events awaited.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ask } from "../control.ts";
import { type Status, up, waitStatus } from "../lifecycle.ts";
import { type Node, RUN } from "../paths.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";

export const guard = (ev: string) => (e: { kind: string; event?: string }) => e.kind === "guard" && e.event === ev;

/** B is parked: no mount of the shared root, not one byte written to it. */
export async function checkParked(run: Run, standby: Node): Promise<void> {
  run.step(`${standby} parked: checking it neither mounts nor writes the shared root`);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(!s.nodes[standby].rootMounted, `${standby} has not mounted the shared root`);
  const io = (await ask<{ io: { wrBytes: number } | null }>({ cmd: "rootio", node: standby })).io;
  run.expect(
    io !== null && io.wrBytes === 0,
    `${standby} wrote 0 bytes to the shared root (QEMU counted ${io?.wrBytes})`,
  );
}

/** Wait (up to 300 s) until `n` is ACTIVE and the workload acknowledged a write there; `how` names the way. */
export function waitWriting(run: Run, n: Node, how = "with the workload writing"): Promise<Status> {
  return waitStatus(run.t0, `${n} ACTIVE ${how}`, (s) => s.nodes[n].role === "ACTIVE" && s.nodes[n].acks > 0, 300000);
}

/** Start A then B: A ACTIVE, B STANDBY, the workload running on A only. */
export async function startOneByOne(run: Run): Promise<{ active: Node; standby: Node; s: Status }> {
  run.step("power on a, then b a second later");
  const s = await up(run.t0);
  const active: Node = s.nodes.a.role === "ACTIVE" ? "a" : "b";
  const standby: Node = active === "a" ? "b" : "a";
  run.expect(active === "a", "a (priority 200) ACTIVE");
  const c = await consoles();
  const powerOn = s.nodes[active].poweredOnAt;
  const decided = firstAfter(
    c[active],
    powerOn,
    (e) => e.kind === "guard" && e.event === "role" && e.role === "ACTIVE",
  );
  await waitStatus(run.t0, `workload acknowledged on ${active}`, (x) => x.nodes[active].acks >= 3, 300000);
  const c2 = await consoles();
  const firstAck = firstAfter(c2[active], powerOn, (e) => e.kind === "ack");
  if (decided) run.time("cold boot: power-on -> guard ACTIVE", decided.at - powerOn);
  if (firstAck) run.time("cold boot: power-on -> workload writing", firstAck.at - powerOn);
  const gaps = c2[standby].filter(
    (e) =>
      decided &&
      e.at >= decided.at &&
      e.at <= (firstAck?.at ?? Date.now()) &&
      (e.event === "heartbeat-gap" || e.event === "late-heartbeat"),
  );
  const maxGap = Math.max(0, ...gaps.map((e) => Number(/(\d+) ms/.exec(e.message)?.[1] ?? 0)));
  run.time(`longest heartbeat gap ${standby} saw across ${active}'s switch_root (0: none above ${2 * 200} ms)`, maxGap);
  await checkParked(run, standby);
  return { active, standby, s };
}

/** A node that was ACTIVE before its reset: QEMU's counters span the whole process, so compare them over time. */
export async function checkQuietAfterReset(run: Run, n: Node, active: Node): Promise<void> {
  const io = async () => (await ask<{ io: { wrBytes: number } | null }>({ cmd: "rootio", node: n })).io?.wrBytes ?? -1;
  const before = await io();
  await Bun.sleep(20000);
  run.expect((await io()) === before, `${n} wrote nothing more to the shared root after its reset`);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(
    !s.nodes[n].rootMounted && s.nodes[active].role === "ACTIVE",
    `${n} has not mounted the shared root since its reset; ${active} ACTIVE`,
  );
}

/** Wait for a console event on `n` after `since`, up to `ms`. */
export async function consoleEvent(
  n: Node,
  since: number,
  pred: (e: { kind: string; event?: string; message: string }) => boolean,
  ms: number,
) {
  const end = Date.now() + ms;
  for (;;) {
    const e = firstAfter((await consoles())[n], since, pred);
    if (e || Date.now() > end) return e;
    await Bun.sleep(500);
  }
}

/** Type `command` at `n`'s root console once its prompt is there; returns when it was typed. */
export async function typeAt(run: Run, n: Node, command: string): Promise<number> {
  const r = await ask<{ ok?: boolean; error?: string }>({ cmd: "exec", node: n, args: command }, 200000);
  run.expect(r.ok === true, `${command} typed at ${n}'s console (${r.error ?? "ok"})`);
  return Date.now();
}

/** A word the console prints only when the shell ran the command: `$((1+1))` is not expanded in the typed echo. */
export const said = (word: string) => `echo ${word}-$((1+1))`;
export const printed = (word: string) => `${word}-2`;

/** `n`'s console log so far (every boot). */
export const consoleText = (n: Node) => readFileSync(join(RUN, `console-${n}.log`), "utf8");

/** Wait until `done` holds for `n`'s console since offset `from`, or `ms` passed; returns that console text. */
export async function waitConsole(n: Node, from: number, done: (text: string) => boolean, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = consoleText(n).slice(from);
    if (done(text) || Date.now() >= end) return text;
    await Bun.sleep(1000);
  }
}
