// The poison-pill level: the first level's device dead (the BMC), the pill fences, the victim's clean start is honoured.
import { ask } from "../control.ts";
import { LAB_FENCE } from "../paths.ts";
import { type Status, waitStatus } from "../lifecycle.ts";
import { consoles, firstAfter, type Run } from "../scenario-kit.ts";
import { checkParked, consoleEvent, guard, startOneByOne } from "./checks.ts";

/**
 * The first level cannot answer (the BMC of the ACTIVE dead; with CG_LAB_FENCE=qmp, its PDU unplugged): the poison
 * pill fences, and the victim's clean start is honoured.
 */
export async function scenarioBmcDown(run: Run): Promise<void> {
  const { active, standby } = await startOneByOne(run);
  const device = LAB_FENCE === "ipmi" ? "BMC" : "PDU";
  run.step(`${device} of ${active} dead, then cut ${active}'s power`);
  await ask({ cmd: "pdu", node: active, link: "off" });
  await ask({ cmd: "kill", node: active });
  const cutAt = Date.now();
  await waitStatus(
    run.t0,
    `${standby} ACTIVE through the poison pill`,
    (s) => s.nodes[standby].role === "ACTIVE" && s.nodes[standby].acks > 0,
    300000,
  );
  const c = (await consoles())[standby];
  const firstFailed = firstAfter(
    c,
    cutAt,
    (e) => e.event === "fence-attempt" && e.message.startsWith(`${LAB_FENCE}: failed`),
  );
  const pill = firstAfter(
    c,
    cutAt,
    (e) => e.event === "fence-attempt" && e.message.startsWith("poison-pill: confirmed"),
  );
  run.expect(!!firstFailed && !!pill, `${standby}: the ${LAB_FENCE} level failed, the poison-pill level confirmed`);
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
