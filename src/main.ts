// Entry point of the one executable, dist/clusterguard.
import { hideBin } from "yargs/helpers";
import { runCli } from "./cli/index.ts";

process.exitCode = await runCli(hideBin(process.argv));
