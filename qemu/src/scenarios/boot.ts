// Scenarios about starting: one by one, both at once, and a guard that cannot run.
import { ask } from "../control.ts";
import { prepare, type Status, up, waitStatus } from "../lifecycle.ts";
import { copyFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MACHINE } from "../lab-config.ts";
import { IMAGE, LAB_BOOT, NODES, type Node, RUN } from "../paths.ts";
import { OVMF_VARS, varsFile } from "../provision.ts";
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

/**
 * Both VMs boot the one shared disk through the boot loader installed on it, with no per-machine setting on the disk.
 * GRUB: each machine's SMBIOS UUID picks its own node's entry (46_clusterguard_select). systemd-boot: each machine
 * boots the default its own NVRAM names (LoaderEntryDefault, set by `bootloader install --set-default` on that
 * machine), and the guard says so; then b gets a cleared NVRAM (a new mainboard) and must wait at the menu, booting
 * nothing (design row 16.12), until its NVRAM is back. Either way the guard runs as the machine's node.
 */
export async function scenarioBootEntrySelection(run: Run): Promise<void> {
  if (LAB_BOOT === "kernel")
    throw new Error("boot-entry-selection boots through a boot loader: CG_LAB_BOOT=grub or systemd-boot");
  await startOneByOne(run);
  const c = await consoles();
  for (const n of NODES) {
    const said =
      LAB_BOOT === "grub"
        ? `SMBIOS UUID ${MACHINE[n].uuid} is node ${n}'s machine: booting clusterguard-${n}`
        : `is node ${n}'s machine; systemd-boot`;
    const why = `booted clusterguard-${n}.conf, this machine's default (EFI variable LoaderEntryDefault)`;
    if (LAB_BOOT === "grub") run.expect(consoleSaid(n, said), `${n}: GRUB said "${said}"`);
    else run.expect(consoleSaid(n, said) && consoleSaid(n, why), `${n}: the guard said "...${said}... ${why}"`);
    const guarded = c[n].filter((e) => e.kind === "guard" && e.event === "role");
    run.expect(
      guarded.length > 0 && guarded.every((e) => e.node === n),
      `${n}: the guard ran as node ${n} (${[...new Set(guarded.map((e) => e.node))].join(", ")})`,
    );
  }
  if (LAB_BOOT === "systemd-boot") await newMainboardWaits(run);
}

/**
 * systemd-boot's machine without a default of its own: b's NVRAM is cleared (OVMF's template, as a new mainboard
 * has it) while it is off. Powered on, it must show the menu and boot nothing for 120 s, a staying ACTIVE; with its
 * NVRAM back it boots its own entry and parks STANDBY again.
 */
async function newMainboardWaits(run: Run): Promise<void> {
  run.step("b powered off; its NVRAM cleared (a new mainboard); powered on: it must wait at systemd-boot's menu");
  await ask({ cmd: "kill", node: "b" });
  copyFileSync(OVMF_VARS, varsFile(RUN, "b"));
  const log = join(RUN, "console-b.log");
  const from = existsSync(log) ? statSync(log).size : 0;
  await ask({ cmd: "on", node: "b" });
  const since = () => (existsSync(log) ? readFileSync(log).subarray(from).toString("utf8") : "");
  // The menu ends no line while it waits: it is the console's pending text.
  const menu = async () => (await ask<{ text: string }>({ cmd: "pending", node: "b" })).text;
  const t = Date.now();
  while (!(await menu()).includes("clusterguard (node b)")) {
    run.expect(Date.now() - t < 180000, "systemd-boot's menu, listing clusterguard (node b), within 180 s");
    await Bun.sleep(2000);
  }
  run.time("power-on -> systemd-boot's menu", Date.now() - t);
  await Bun.sleep(120000);
  const shown = await menu();
  run.expect(
    !/Linux version|EFI stub/.test(since() + shown) &&
      shown.includes("clusterguard (node a)") &&
      !/Boot in \d+ s/.test(shown),
    "120 s later b still shows the menu with no countdown, and no kernel started",
  );
  const s = await ask<Status>({ cmd: "status" });
  run.expect(s.nodes.a.role === "ACTIVE", "a still ACTIVE");
  run.step("b powered off, its NVRAM back (its node's default); powered on: it boots clusterguard-b and parks");
  await ask({ cmd: "kill", node: "b" });
  copyFileSync(varsFile(IMAGE, "b"), varsFile(RUN, "b"));
  await ask({ cmd: "on", node: "b" });
  await waitStatus(
    run.t0,
    "b back STANDBY",
    (x) => x.nodes.a.role === "ACTIVE" && x.nodes.b.role === "STANDBY",
    300000,
  );
  await checkParked(run, "b");
}

/**
 * The admin's mistake: both machines boot node a's entry. b's machine has b's SMBIOS UUID (machine_uuid in the
 * config), so its guard refuses to run as a, says why and never mounts the shared root; a's machine runs as a. With
 * no machine facts in the config, the two would find each other as twins on the links and the shared disk (the
 * simulation covers that: docs/design.md 16.10). Never two writers, checked on disk.
 */
export async function scenarioSameNodeTwice(run: Run): Promise<void> {
  run.step("power on a's machine on node a's entry, and b's machine on node a's entry too");
  await prepare(run.t0);
  await ask({ cmd: "on", node: "a" });
  await Bun.sleep(1000);
  await ask({ cmd: "on", node: "b", entry: "a" });
  const t = Date.now();
  const refusal = `is node b's machine: both machines booted a's entry?`;
  while (!consoleSaid("b", refusal)) {
    run.expect(Date.now() - t < 240000, `b's guard refused to run as a within 240 s ("${refusal}")`);
    await Bun.sleep(2000);
  }
  run.time("power-on -> b's guard refused node a's entry", Date.now() - t);
  // b's machine, parked and silent, cannot be told from a dead one: a fences it before going ACTIVE, and b's BMC
  // powers it on again, on its own entry this time.
  await waitStatus(
    run.t0,
    "a ACTIVE with the workload writing, b back STANDBY",
    (x) => x.nodes.a.role === "ACTIVE" && x.nodes.a.acks >= 3 && x.nodes.b.role === "STANDBY",
    400000,
  );
  const c = await consoles();
  const fenced = c.a.find(guard("fence-confirmed"));
  const active = c.a.find((e) => e.kind === "guard" && e.event === "role" && e.role === "ACTIVE");
  run.expect(!!fenced && !!active && fenced.at <= active.at, "a went ACTIVE only after a confirmed fence of b");
  run.expect(!c.b.some(guard("fence-request")), "b fenced nobody");
  await checkParked(run, "b");
}

/**
 * The console said `text`, even where a full-screen program (GRUB's menu on the serial line) wrapped it at 80
 * columns or drew it with escape sequences: compared without the lab's timestamps, escapes and white space.
 */
function consoleSaid(n: Node, text: string): boolean {
  const squash = (t: string) => t.replace(/\s+/g, "");
  const file = join(RUN, `console-${n}.log`);
  if (!existsSync(file)) return false;
  const log = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.replace(/^\S+Z /, ""))
    .join("")
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  return squash(log).includes(squash(text));
}
