// `clusterguard export pacemaker [--out DIR]`: the config as Pacemaker, Corosync and SBD files (src/export/), written
// into DIR. What does not carry over is printed as warnings (and listed in MIGRATION.txt); what cannot be carried at
// all is refused like a configuration error: exit 2, nothing written.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Argv } from "yargs";
import { formatConfigError, loadConfig } from "../config/index.ts";
import { exportPacemaker, formatNote } from "../export/index.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";

/** `export pacemaker`: 0 written, 1 a file could not be written, 2 a config error or a refusal. */
function exportToDir(configPath: string, out: string): number {
  const c = loadConfig(configPath);
  if (!c.ok) {
    for (const e of c.errors) console.error(formatConfigError(e));
    console.error(`${c.errors.length} error(s); nothing was written`);
    return EXIT_USAGE;
  }
  const r = exportPacemaker(c.config, { source: configPath, lines: c.lines });
  if (!r.ok) {
    for (const e of r.errors) console.error(formatConfigError(e));
    console.error(`${r.errors.length} error(s): no Pacemaker counterpart; nothing was written`);
    return EXIT_USAGE;
  }
  try {
    mkdirSync(out, { recursive: true });
    for (const f of r.files) {
      writeFileSync(join(out, f.name), f.text, { mode: 0o644 });
      console.log(`wrote ${join(out, f.name)}`);
    }
  } catch (e) {
    console.error(`cannot write into ${out}: ${(e as { code?: string }).code ?? String(e)}`);
    return EXIT_FAILURE;
  }
  for (const n of r.notes) console.error(`warning: ${formatNote(n, configPath)}`);
  const edits = r.notes.filter((n) => n.edit !== undefined).length;
  console.error(
    `${r.notes.length} thing(s) do not carry over as they are${edits > 0 ? `, ${edits} to edit before the first start` : ""}: see ${join(out, "MIGRATION.txt")}`,
  );
  return EXIT_OK;
}

/** Register `export pacemaker`. */
export function exportCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command("export <target>", "write the configuration for another cluster stack", (a) =>
    a
      .command(
        "pacemaker",
        "write a Pacemaker CIB, corosync.conf, an SBD configuration and MIGRATION.txt for the same pair into --out",
        (b) =>
          b.option("out", {
            type: "string",
            default: "clusterguard-pacemaker",
            describe: "directory to write the files into (created when missing)",
          }),
        (argv) => setExit(exportToDir(String(argv.config), String(argv.out))),
      )
      .demandCommand(1, "name a target: pacemaker"),
  );
}
