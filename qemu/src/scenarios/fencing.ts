// When the BMC is dead: the poison pill fences (the victim's clean start honoured), or, where the BMC is the only
// level, the administrator's manual confirmation from the parked STANDBY's initrd shell.
import { ask } from "../control.ts";
import { LAB_BMCS, LAB_FENCE } from "../paths.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { checkParked, consoleEvent, guard, startOneByOne, waitWriting } from "./checks.ts";

/**
 * The first level cannot answer (the BMC of the ACTIVE dead; with CG_LAB_FENCE=qmp, its PDU unplugged): the poison
 * pill fences, and the victim's clean start is honoured.
 */
export async function scenarioBmcDown(run: Run): Promise<void> {
  const { active, standby } = await startOneByOne(run);
  if (LAB_FENCE === "ipmi-only")
    throw new Error("bmc-down needs the poison-pill level: not with CG_LAB_FENCE=ipmi-only");
  const device = LAB_BMCS ? "BMC" : "PDU";
  const level = LAB_BMCS ? "ipmi" : "qmp";
  run.step(`${device} of ${active} dead, then cut ${active}'s power`);
  await ask({ cmd: "pdu", node: active, link: "off" });
  await ask({ cmd: "kill", node: active });
  const cutAt = Date.now();
  await waitWriting(run, standby, "through the poison pill");
  const c = (await consoles())[standby];
  const firstFailed = firstAfter(
    c,
    cutAt,
    (e) => e.event === "fence-attempt" && e.message.startsWith(`${level}: failed`),
  );
  const pill = firstAfter(
    c,
    cutAt,
    (e) => e.event === "fence-attempt" && e.message.startsWith("poison-pill: confirmed"),
  );
  run.expect(!!firstFailed && !!pill, `${standby}: the ${level} level failed, the poison-pill level confirmed`);
  const pillMs = Number(/\((\d+) ms\)$/.exec(pill?.message ?? "")?.[1] ?? 0);
  run.time("poison pill: written -> confirmed (msgwait)", pillMs);
  run.time(
    "takeover: power cut -> workload writing on the survivor",
    (firstAfter(c, cutAt, (e) => e.kind === "ack")?.at ?? Date.now()) - cutAt,
  );
  run.step(
    `${active}'s ${device} back, power ${active} on with the pill still in its slot: clean start, then the fencer clears it`,
  );
  await ask({ cmd: "pdu", node: active, link: "on" });
  const onAt = Date.now();
  await ask({ cmd: "on", node: active });
  await waitStatus(run.t0, `${active} back as STANDBY`, (s) => s.nodes[active].role === "STANDBY", 300000);
  const cleared = await consoleEvent(active, onAt, guard("pill-cleared"), 30000);
  const ca = (await consoles())[active];
  run.expect(!!firstAfter(ca, onAt, guard("pill")), `${active} found the pill at boot`);
  run.expect(!!cleared, `${active} saw its pill cleared by ${standby}`);
  run.expect(
    !!firstAfter((await consoles())[standby], onAt, guard("pill-cleared")),
    `${standby} cleared the pill on hearing ${active}'s new boot`,
  );
  run.expect(!ca.some((e) => e.at >= onAt && e.event === "fence-request"), `${active} fenced nobody`);
  await Bun.sleep(10000);
  const s = await ask<Status>({ cmd: "status" });
  run.expect(
    s.nodes[active].role === "STANDBY" && s.nodes[standby].role === "ACTIVE",
    `${active} STANDBY, ${standby} ACTIVE: no fence loop`,
  );
  await checkParked(run, active);
}

/**
 * A pair fenced by its BMCs alone (CG_LAB_FENCE=ipmi-only), the ACTIVE's BMC dead and its power cut: no level can
 * confirm, so the STANDBY stays off the shared disk, for good. The administrator checks that the ACTIVE is off and
 * confirms it in the STANDBY's initrd shell (`clusterguard fence PEER --manual --confirm`, Pacemaker's `stonith_admin
 * --confirm`); the STANDBY takes over on that confirmation, logged at critical level.
 */
export async function scenarioManualConfirm(run: Run): Promise<void> {
  if (LAB_FENCE !== "ipmi-only")
    throw new Error(
      "manual-confirm needs the BMC as the only fence level: CG_LAB_FENCE=ipmi-only qemu/lab scenario manual-confirm",
    );
  const { active, standby } = await startOneByOne(run);
  run.step(`${active}'s BMC dead, then cut ${active}'s power: no fence level can confirm`);
  await ask({ cmd: "pdu", node: active, link: "off" });
  await ask({ cmd: "kill", node: active });
  const cutAt = Date.now();
  const failed = await consoleEvent(
    standby,
    cutAt,
    (e) => e.kind === "guard" && e.event === "fence-attempt" && e.message.startsWith("ipmi: failed"),
    120000,
  );
  run.expect(!!failed, `${standby}: the ipmi level failed`);
  await Bun.sleep(20000);
  const waiting = await ask<Status>({ cmd: "status" });
  run.expect(
    waiting.nodes[standby].role !== "ACTIVE" && !waiting.nodes[standby].rootMounted,
    `${standby} stays off the shared disk with no confirmed fence (role ${waiting.nodes[standby].role})`,
  );
  run.step(`the administrator checks ${active} is off, and confirms it in ${standby}'s initrd shell`);
  const at = Date.now();
  const r = await ask<{ exitCode?: number; output?: string; error?: string }>(
    { cmd: "shell", node: standby, args: `clusterguard fence ${active} --manual --confirm` },
    70000,
  );
  run.expect(
    r.exitCode === 0,
    `clusterguard fence ${active} --manual --confirm: exit ${r.exitCode}: ${r.output ?? r.error}`,
  );
  await waitWriting(run, standby);
  const c = (await consoles())[standby];
  run.expect(
    !!firstAfter(c, at, guard("fence-manual")),
    `${standby} logged fence-manual on the console (kmsg, critical)`,
  );
  run.time(
    "manual confirmation -> workload writing",
    (firstAfter(c, at, (e) => e.kind === "ack")?.at ?? Date.now()) - at,
  );
  run.step(`${active}'s BMC back and ${active} powered on: it comes back STANDBY`);
  await ask({ cmd: "pdu", node: active, link: "on" });
  await ask({ cmd: "on", node: active });
  await waitStatus(run.t0, `${active} back as STANDBY`, (s) => s.nodes[active].role === "STANDBY", 300000);
  await checkParked(run, active);
}
