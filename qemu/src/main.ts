// `qemu/lab`: build, boot, break and measure the two-VM lab.
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../../src/cli/exit-codes.ts";
import { build } from "./build.ts";
import { chaos } from "./chaos/soak.ts";
import { ask } from "./control.ts";
import { down, type Status, up } from "./lifecycle.ts";
import { passTable, reportDir, reportPrefix, saveReport, writeReport } from "./report.ts";
import type { ScenarioResult } from "./scenario-kit.ts";
import { runScenario, SCENARIOS, scenariosForImage } from "./scenarios.ts";

const t0 = performance.now();
const node = (v: unknown) => {
  if (v !== "a" && v !== "b") throw new Error(`expected node a or b, got ${String(v)}`);
  return v;
};
const link = (v: unknown) => {
  if (v !== "serial" && v !== "ethernet" && v !== "all")
    throw new Error(`expected serial, ethernet or all, got ${String(v)}`);
  return v;
};

function printStatus(s: Status, json: boolean): void {
  if (json) return console.log(JSON.stringify(s, null, 2));
  for (const [n, v] of Object.entries(s.nodes))
    console.log(
      `node ${n}: vm ${v.vm}, role ${v.role}, shared root ${v.rootMounted ? "MOUNTED" : "not mounted"}, ${v.acks} workload acks; last: ${v.lastEvent ?? "-"}`,
    );
  console.log(`cables: serial ${s.cables.serial}, ethernet ${s.cables.ethernet}`);
}

/** Run `names` in order; the report is saved after each, and each outcome printed as it comes. */
async function runAll(names: string[]): Promise<ScenarioResult[]> {
  const dir = reportDir();
  const results: ScenarioResult[] = [];
  for (const [i, n] of names.entries()) {
    const r = await runScenario(n, t0, { dir, prefix: reportPrefix(i, n) });
    results.push(r);
    saveReport(dir, results);
    console.log(
      `=== scenario ${i + 1}/${names.length} ${n}: ${r.pass ? "passed" : `FAILED at ${r.failedStep}: ${r.expected ?? r.error}`}`,
    );
  }
  writeReport(results, dir);
  process.exitCode = results.every((r) => r.pass) ? EXIT_OK : EXIT_FAILURE;
  return results;
}

await yargs(hideBin(process.argv))
  .scriptName("qemu/lab")
  .command(
    "build",
    "build the shared system image (cached layers)",
    (a) => a.option("force", { type: "boolean", default: false }),
    async (a) => void (await build({ force: a.force })),
  )
  .command(
    "up",
    "boot both VMs (a, then b) until one is ACTIVE and the other STANDBY",
    (a) => a.option("simultaneous", { type: "boolean", default: false }),
    async (a) => printStatus(await up(t0, a.simultaneous), false),
  )
  .command("down", "stop both VMs and the lab", {}, async () => down())
  .command(
    "status",
    "per node: VM state, guard role, shared root mounted, last event",
    (a) => a.option("json", { type: "boolean", default: false }),
    async (a) => printStatus(await ask<Status>({ cmd: "status" }), a.json),
  )
  .command(
    "on <node>",
    "power on (its power button; its BMC's startcmd); nothing if it is on",
    {},
    async (a) => void (await ask({ cmd: "on", node: node(a.node) })),
  )
  .command("kill <node>", "power cut", {}, async (a) => void (await ask({ cmd: "kill", node: node(a.node) })))
  .command(
    "pause <node>",
    "freeze the VM (a hung machine)",
    {},
    async (a) => void (await ask({ cmd: "pause", node: node(a.node) })),
  )
  .command("resume <node>", "unfreeze the VM", {}, async (a) => void (await ask({ cmd: "resume", node: node(a.node) })))
  .command(
    "exec <node> <command..>",
    "type a command at the VM's root console",
    {},
    async (a) => void (await ask({ cmd: "exec", node: node(a.node), args: (a.command as string[]).join(" ") })),
  )
  .command(
    "shell <node> <command..>",
    "run a command in the VM's initrd shell (hvc0; for a node parked in the initrd) and print its output",
    {},
    async (a) => {
      const r = await ask<{ exitCode?: number; output?: string; error?: string }>(
        { cmd: "shell", node: node(a.node), args: (a.command as string[]).join(" ") },
        70000,
      );
      if (r.error !== undefined) throw new Error(r.error);
      if (r.output) console.log(r.output);
      process.exitCode = r.exitCode ?? EXIT_FAILURE;
    },
  )
  .command(
    "pdu <node> <state>",
    "kill (off) or restart (on) the fence device of NODE: its BMC (or, with CG_LAB_FENCE=qmp, its power switch)",
    {},
    async (a) => void (await ask({ cmd: "pdu", node: node(a.node), link: a.state === "off" ? "off" : "on" })),
  )
  .command(
    "cut <link>",
    "cut serial, ethernet or all",
    {},
    async (a) => void (await ask({ cmd: "cut", link: link(a.link) })),
  )
  .command(
    "heal <link>",
    "reconnect serial, ethernet or all",
    {},
    async (a) => void (await ask({ cmd: "heal", link: link(a.link) })),
  )
  .command(
    "scenario <name..>",
    `run scenarios: ${Object.keys(SCENARIOS).join(", ")}`,
    {},
    async (a) => void (await runAll(a.name as string[])),
  )
  .command(
    "matrix",
    "every scenario the image can run (CG_LAB_FENCE), --repeat N times",
    (a) => a.option("repeat", { type: "number", default: 1 }),
    async (a) => {
      const results = await runAll(Array.from({ length: a.repeat }, scenariosForImage).flat());
      console.log(`\n=== matrix: ${a.repeat} run(s) of each scenario ===\n${passTable(results)}`);
    },
  )
  .command(
    "chaos",
    "the chaos soak: random faults from a seeded schedule on the running pair, checked all along (exit 1 on any failure)",
    (a) =>
      a
        .option("minutes", { type: "number", default: 10, describe: "inject faults for this long" })
        .option("seed", { type: "number", describe: "the schedule's seed (default: random, printed)" })
        .option("max-faults", { type: "number", describe: "stop after this many faults" }),
    async (a) => {
      const seed = a.seed ?? Math.floor(Math.random() * 2 ** 31);
      const ok = await chaos({ minutes: a.minutes, seed, ...(a.maxFaults ? { maxFaults: a.maxFaults } : {}) }, t0);
      process.exitCode = ok ? EXIT_OK : EXIT_FAILURE;
    },
  )
  .command("demo", "the README's main job: A ACTIVE, B parked, power-cut A, B fences and takes over", {}, async () => {
    const dir = reportDir();
    const r = await runScenario("kill-active", t0, { dir, prefix: reportPrefix(0, "kill-active") });
    writeReport([r], dir);
    process.exitCode = r.pass ? EXIT_OK : EXIT_FAILURE;
  })
  .demandCommand(1)
  .strict()
  .fail((msg, err) => {
    console.error(`qemu/lab: ${err?.message ?? msg}`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
