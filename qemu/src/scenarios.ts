// The lab scenarios, named like Pacemaker's CTS: each boots the pair, injects one fault, checks and measures.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ask } from "./control.ts";
import { checkIntegrity } from "./integrity.ts";
import { down } from "./lifecycle.ts";
import { LAB_BMCS, LAB_BOOT, LAB_FENCE, NODES, type Node, RUN } from "./paths.ts";
import { Run, type RunOutput, type ScenarioResult } from "./scenario-kit.ts";
import { scenarioServiceFailure, scenarioSwitchover, scenarioTakeover } from "./scenarios/agent.ts";
import {
  scenarioBootEntrySelection,
  scenarioGuardFailsSafe,
  scenarioSameNodeTwice,
  scenarioSimulStart,
  scenarioStartOneByOne,
} from "./scenarios/boot.ts";
import { scenarioFencedNodeRejoins, scenarioHangActive, scenarioKillActiveColdBoot } from "./scenarios/failover.ts";
import { scenarioBmcDown, scenarioManualConfirm } from "./scenarios/fencing.ts";
import { scenarioCut, scenarioIsolateActive } from "./scenarios/links.ts";
import { scenarioKernelUpgrade, scenarioWebApply } from "./scenarios/maintenance.ts";
export const SCENARIOS: Record<string, (run: Run) => Promise<void>> = {
  "start-one-by-one": scenarioStartOneByOne,
  "boot-entry-selection": scenarioBootEntrySelection,
  "same-node-twice": scenarioSameNodeTwice,
  "kill-active": scenarioKillActiveColdBoot,
  "guard-fails-safe": scenarioGuardFailsSafe,
  "simul-start": scenarioSimulStart,
  "cut-ethernet": scenarioCut("ethernet"),
  "cut-serial": scenarioCut("serial"),
  "cut-all-links": scenarioCut("all"),
  "hang-active": scenarioHangActive,
  "fenced-node-rejoins": scenarioFencedNodeRejoins,
  "bmc-down": scenarioBmcDown,
  "manual-confirm": scenarioManualConfirm,
  "service-failure": scenarioServiceFailure,
  switchover: scenarioSwitchover,
  takeover: scenarioTakeover,
  "isolate-active": scenarioIsolateActive,
  "web-apply": scenarioWebApply,
  "kernel-upgrade": scenarioKernelUpgrade,
};

/** The scenarios the built image can run: manual-confirm needs the BMCs as the only level, bmc-down the pill,
 * boot-entry-selection a boot loader, kernel-upgrade GRUB, web-apply the management network (the console's forward). */
export function scenariosForImage(): string[] {
  return Object.keys(SCENARIOS).filter((n) => {
    if (n === "manual-confirm") return LAB_FENCE === "ipmi-only";
    if (n === "boot-entry-selection") return LAB_BOOT !== "kernel";
    if (n === "kernel-upgrade") return LAB_BOOT === "grub";
    if (n === "web-apply") return LAB_BMCS;
    return n !== "bmc-down" || LAB_FENCE !== "ipmi-only";
  });
}

/** Run one scenario end to end, always shutting down and checking integrity; its own files (screenshots) go to `out`. */
export async function runScenario(name: string, t0: number, out?: RunOutput): Promise<ScenarioResult> {
  const body = SCENARIOS[name];
  if (!body) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(", ")}`);
  const run = new Run(name, t0, out);
  try {
    await body(run);
    run.r.pass = true;
  } catch (e) {
    run.r.pass = false;
    run.r.error = e instanceof Error ? e.message : String(e);
  }
  try {
    const ev = await ask<{ timeline: ScenarioResult["timeline"]; consoles: Record<Node, { kind: string }[]> }>({
      cmd: "events",
    });
    run.r.timeline = ev.timeline;
    const acks = NODES.flatMap((n) => ev.consoles[n].filter((e) => e.kind === "ack")) as Parameters<
      typeof checkIntegrity
    >[0];
    run.step("shutting down both VMs");
    await down();
    run.step("integrity: every shared file system checked strictly, acknowledged records, one writer at a time");
    run.r.integrity = await checkIntegrity(acks);
    if (!run.r.integrity.ok) {
      run.r.pass = false;
      run.r.failedStep ??= "integrity";
      run.r.expected ??= "clean file systems, every acknowledged record present, no interleaved writers";
    }
  } catch (e) {
    run.r.pass = false;
    run.r.error = `${run.r.error ?? ""} cleanup: ${String(e)}`;
  }
  if (!run.r.pass)
    run.r.consoles = Object.fromEntries(NODES.map((n) => [n, tail(join(RUN, `console-${n}.log`))])) as Record<
      Node,
      string
    >;
  return run.r;
}

function tail(p: string): string {
  try {
    return readFileSync(p, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "";
  }
}
