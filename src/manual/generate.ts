// `bun src/manual/generate.ts OUTDIR` (make man): writes OUTDIR/man/clusterguard.8, OUTDIR/man/clusterguard.toml.5 and
// the bash completion OUTDIR/bash-completion/clusterguard, from the yargs commands, the config schema and
// examples/clusterguard.toml.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderCliPage } from "./cli-page.ts";
import { describeCli } from "./cli-model.ts";
import { renderBashCompletion } from "./completion.ts";
import { renderConfigPage } from "./config-page.ts";

const out = process.argv[2];
if (!out) {
  console.error("usage: bun src/manual/generate.ts OUTDIR");
  process.exit(2);
}
const example = readFileSync(resolve(import.meta.dir, "../../examples/clusterguard.toml"), "utf8");
const cli = describeCli();
mkdirSync(join(out, "man"), { recursive: true });
mkdirSync(join(out, "bash-completion"), { recursive: true });
writeFileSync(join(out, "man/clusterguard.8"), renderCliPage(cli));
writeFileSync(join(out, "man/clusterguard.toml.5"), renderConfigPage(example));
writeFileSync(join(out, "bash-completion/clusterguard"), renderBashCompletion(cli));
