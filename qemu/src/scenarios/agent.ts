// Scenarios for the agent after boot: a failing service, a planned switchover.
import { join } from "node:path";
import { ConsoleCamera } from "../console-camera.ts";
import { ask } from "../control.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import { type Node, RUN } from "../paths.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { copyPartition, PARTS, readPartitionFile } from "../shared-disk.ts";
import {
  checkQuietAfterReset,
  consoleEvent,
  consoleText,
  printed,
  said,
  startOneByOne,
  typeAt,
  waitConsole,
  waitWriting,
} from "./checks.ts";

/** The ACTIVE hands over (a planned switchover or a failed service): b continues its boot without fencing a. */
export async function expectHandover(run: Run, from: Node, to: Node, at: number, what: string): Promise<void> {
  await waitWriting(run, to);
  const c = await consoles();
  const frozen = firstAfter(c[from], at, (e) => e.event === "switchover" && e.message.includes("frozen"));
  run.expect(!!frozen, `${from} froze the shared root and announced STOPPED`);
  run.expect(
    !c[to].some((e) => e.at >= at && e.event === "fence-request"),
    `${to} took over without fencing ${from} (it released the role)`,
  );
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
  const recovered = await consoleEvent(
    "a",
    killAt,
    (e) => e.event === "monitor-recovery" && e.message.includes(": recover:"),
    120000,
  );
  run.expect(!!recovered, "a's service monitor restarted the workload in place");
  const ack = await consoleEvent("a", (recovered?.at ?? killAt) + 1, (e) => e.kind === "ack", 60000);
  run.expect(!!ack, "the workload writes again on a");
  run.time("service killed -> restarted in place, writing again", (ack?.at ?? Date.now()) - killAt);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE" && s.nodes.b.role === "STANDBY", "no failover for a service that recovered");
  run.step("break the workload on a for good (a node-local fault: /run/workload-broken)");
  const breakAt = await typeAt(run, "a", "touch /run/workload-broken; systemctl kill -s KILL workload.service");
  const esc = await consoleEvent("a", breakAt, (e) => e.event === "monitor-escalate", 180000);
  run.expect(!!esc && esc.message.includes("failover"), "a's monitor asked for failover once restarts were exhausted");
  await expectHandover(run, "a", "b", breakAt, "service broken for good");
}

/** The shared disk's other file systems: ext4 on /var/lib/lab (fsfreeze) and vfat on /boot/efi (remount read-only). */
const OTHERS = [
  { part: PARTS[1], dir: "/var/lib/lab", file: "/marker" },
  { part: PARTS[2], dir: PARTS[2].mount, file: "/MARKER.TXT" },
];

/**
 * `clusterguard standby` on the ACTIVE: a planned switchover that loses no acknowledged write. Besides the root,
 * the shared disk holds /var/lib/lab and /boot/efi: both must be unwritable once a announced STOPPED. On a, a writer
 * appends a tick to /var/lib/lab, syncs it and prints it, over and over, from before the standby on (a process the
 * agent does not manage); a writes a marker to each file system before the standby and tries again in the background
 * right after it, while b is held back 3 s (paused) so that a waits in STOPPED; b writes its own once ACTIVE. On a's console no tick may follow STOPPED; on disk a's first markers
 * and b's are there, a's late writes are not, and no tick beyond the last one printed before STOPPED (plus the one
 * in flight).
 */
export async function scenarioSwitchover(run: Run): Promise<void> {
  await startOneByOne(run);
  await Bun.sleep(5000);
  run.step(
    "a: a tick writer on /var/lib/lab, a marker on /var/lib/lab and /boot/efi, clusterguard standby, then a late write to each",
  );
  const ticker =
    "(i=0; while i=$((i+1)) && echo $i >> /var/lib/lab/ticks && sync /var/lib/lab/ticks; do echo LAB-TICK-$i; sleep 0.1; done) &";
  const before = OTHERS.map((o) => `echo a-before > ${o.dir}${o.file}`).join(" && ");
  const late = OTHERS.map(
    (o) => `(echo a-late > ${o.dir}/late && sync ${o.dir}/late && ${said("LAB-LATE-WRITE")} ${o.dir}) &`,
  ).join(" ");
  const from = consoleText("a").length;
  const at = await typeAt(
    run,
    "a",
    `${ticker} ${before} && sync && ${said("LAB-BEFORE")} && clusterguard standby && { ${late} }`,
  );
  // a resets as soon as b is ACTIVE, a few ms after STOPPED: too short to tell a writable file system from a frozen
  // one. So b, a slow peer, is paused once the switchover has begun, for less than deadtime: a waits in STOPPED.
  const began = await consoleEvent(
    "a",
    at,
    (e) => e.event === "switchover" && e.message.includes("stopping services"),
    120000,
  );
  run.expect(!!began, "a began the switchover");
  await ask({ cmd: "pause", node: "b" });
  const pausedAt = Date.now();
  const stoppedEv = await consoleEvent("a", at, (e) => e.event === "role" && e.message.includes("-> STOPPED"), 60000);
  run.expect(
    !!stoppedEv && stoppedEv.at > pausedAt,
    "b paused before a announced STOPPED (so that a waits in STOPPED)",
  );
  await Bun.sleep(3000);
  await ask({ cmd: "resume", node: "b" });
  await expectHandover(run, "a", "b", at, "planned switchover: clusterguard standby");
  run.step("a's console: its markers before the standby, no tick and no late write after STOPPED");
  const lines = consoleText("a").slice(from).split("\n");
  run.expect(
    lines.some((l) => l.includes(printed("LAB-BEFORE"))),
    "a wrote its markers before the standby",
  );
  const stopped = lines.findIndex((l) => /clusterguard: a role \[STOPPED\]: ACTIVE -> STOPPED/.test(l));
  run.expect(stopped >= 0, "a's console shows ACTIVE -> STOPPED");
  const tick = (l: string) => Number(/LAB-TICK-(\d+)/.exec(l)?.[1] ?? 0);
  const ticksBefore = lines
    .slice(0, stopped)
    .map(tick)
    .filter((n) => n > 0);
  const ticksAfter = lines
    .slice(stopped)
    .map(tick)
    .filter((n) => n > 0);
  run.expect(
    ticksBefore.length > 0,
    `a's tick writer wrote to /var/lib/lab before the switchover (${ticksBefore.length} ticks)`,
  );
  run.expect(
    ticksAfter.length === 0,
    `no tick of a's writer reached /var/lib/lab after STOPPED (printed after it: ${ticksAfter.join(", ")})`,
  );
  const lateSeen = lines.filter((l) => l.includes(printed("LAB-LATE-WRITE")));
  run.expect(
    lateSeen.length === 0,
    `no late write of a reached /var/lib/lab or /boot/efi after STOPPED (got: ${lateSeen.join("; ")})`,
  );
  run.step("b, now ACTIVE, writes its marker to /var/lib/lab and /boot/efi");
  const written = Date.now();
  await typeAt(
    run,
    "b",
    `${OTHERS.map((o) => `echo b-active > ${o.dir}/b.txt`).join(" && ")} && sync && ${said("LAB-B-WROTE")}`,
  );
  const wrote = await waitConsole(
    "b",
    0,
    (t) => t.includes(printed("LAB-B-WROTE")),
    Math.max(0, written + 60000 - Date.now()),
  );
  run.expect(wrote.includes(printed("LAB-B-WROTE")), "b wrote and synced its markers within 60 s");
  run.step("on disk: a's markers from before the standby and b's are there; a's late writes and later ticks are not");
  const lastTick = Math.max(...ticksBefore);
  for (const o of OTHERS) {
    const img = await copyPartition(join(RUN, "shared.img"), o.part, join(RUN, `switchover-p${o.part.n}.img`));
    if (o.part.fstype === "ext4")
      await Bun.spawn(["e2fsck", "-E", "journal_only", "-y", img], { stdout: "ignore", stderr: "ignore" }).exited;
    const got = async (f: string) => (await readPartitionFile(img, o.part, f))?.trim() ?? null;
    run.expect(
      (await got(o.file)) === "a-before",
      `${o.dir}${o.file} on partition ${o.part.n} says a-before (a had the file system mounted)`,
    );
    run.expect(
      (await got("/b.txt")) === "b-active",
      `${o.dir}/b.txt on partition ${o.part.n} says b-active (b mounted it after the switchover)`,
    );
    run.expect(
      (await got("/late")) === null,
      `${o.dir}/late is not on partition ${o.part.n}: a could not write there after STOPPED`,
    );
    if (o.part.fstype !== "ext4") continue;
    const ticks = ((await got("/ticks")) ?? "")
      .split("\n")
      .map(Number)
      .filter((n) => n > 0);
    const most = Math.max(0, ...ticks);
    run.expect(
      most >= lastTick && most <= lastTick + 1,
      `the ticks on disk end at ${lastTick} (the last printed before STOPPED) or the one in flight (got ${most})`,
    );
  }
}

type ShellAnswer = { exitCode?: number; output?: string; error?: string };

/** Run `command` in `n`'s initrd shell (hvc0), the only shell a parked node has. */
export async function inInitrd(n: Node, command: string, ms: number): Promise<ShellAnswer> {
  return ask<ShellAnswer>({ cmd: "shell", node: n, args: command, timeoutMs: ms }, ms + 10000);
}

/**
 * `clusterguard takeover` typed in the parked STANDBY's initrd (heartbeat's hb_takeover): its guard asks the ACTIVE,
 * whose agent hands over by the planned switchover; b continues its boot without fencing a. `status` works there too.
 * The web console is photographed all along: a's overview before, a's as it hands over (or its stream drops), then
 * b's overview and timeline once a is back STANDBY.
 */
export async function scenarioTakeover(run: Run): Promise<void> {
  await startOneByOne(run);
  await ConsoleCamera.around(run, async (cam) => {
    run.step("the web console of a through the lab's forward: a ACTIVE, b STANDBY");
    await cam.overview("before", "a's overview before the takeover", { self: "ACTIVE", peer: "STANDBY" }, 180000);
    run.step("clusterguard status in b's initrd shell (b parked as STANDBY)");
    const st = await inInitrd("b", "clusterguard status --json", 60000);
    // 0 healthy, 4 degraded (a link late to come up): either way it answered with the report.
    run.expect(
      st.exitCode === 0 || st.exitCode === 4,
      `clusterguard status ran in b's initrd (exit ${st.exitCode}: ${st.error ?? st.output?.slice(-300)})`,
    );
    const report = JSON.parse(st.output!.slice(st.output!.indexOf("{"))) as { role: string; peer: { role: string } };
    run.expect(
      report.role === "STANDBY" && report.peer.role === "ACTIVE",
      `b's guard reports itself STANDBY and a ACTIVE (got ${report.role}, ${report.peer.role})`,
    );
    run.step("clusterguard takeover in b's initrd shell");
    const during = cam.whenLeft("during", "a's overview as it hands over", (r) => r !== "ACTIVE" && r !== "", 300000);
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
    await during;
    run.step("the web console of b, now ACTIVE, through the same forward");
    await cam.overview(
      "after",
      "b's overview after the takeover, a back STANDBY",
      { self: "ACTIVE", peer: "STANDBY" },
      180000,
    );
    await cam.timeline("after-timeline", "b's timeline (since its agent started, after the takeover)");
  });
}
