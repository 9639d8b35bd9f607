// The command line: yargs commands, grouped by concern in this folder; this file only assembles them.
import yargs, { type Argv } from "yargs";
import { fenceCommand, standbyCommand, takeoverCommand } from "./actions.ts";
import { bootloaderCommand, initrdCommand } from "./boot.ts";
import { configCheckCommand, keygenCommand } from "./config.ts";
import { diskCommand } from "./disk.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { exportCommand } from "./export.ts";
import { monitorsCommand, renamedMonitorCommands } from "./monitors.ts";
import { agentCommand, guardCommand } from "./run.ts";
import { statusCommand } from "./status.ts";
import { VERSION, versionCommand } from "./version.ts";
import { watchCommand } from "./watch.ts";

/** What `--help` and clusterguard(8) say the program is. */
export const SUMMARY = "Early-boot cluster guard for two-node shared-disk HA clusters.";

/** The options every command takes. */
export function globalOptions(y: Argv): Argv {
  return y
    .option("log-format", {
      choices: ["human", "json"] as const,
      default: "human" as const,
      describe: "events as human lines or one JSON object per line",
    })
    .option("config", {
      type: "string",
      default: "/etc/clusterguard/clusterguard.toml",
      describe: "configuration file",
    })
    .option("authkey", {
      type: "string",
      default: "/etc/clusterguard/authkey",
      describe: "shared secret file (root, mode 0600)",
    });
}

/** Every command, in the order `--help` lists them; each registers itself on the yargs instance it is given. */
export const COMMANDS: readonly ((y: Argv, setExit: (code: number) => void) => Argv)[] = [
  guardCommand,
  agentCommand,
  statusCommand,
  watchCommand,
  takeoverCommand,
  standbyCommand,
  fenceCommand,
  monitorsCommand,
  configCheckCommand,
  diskCommand,
  initrdCommand,
  bootloaderCommand,
  keygenCommand,
  exportCommand,
  renamedMonitorCommands,
  versionCommand,
];

/** Parse `args`, run the command, and return the exit code. */
export async function runCli(args: string[]): Promise<number> {
  let code = EXIT_OK;
  const setExit = (c: number) => {
    code = c;
  };
  let y: Argv = globalOptions(yargs(args).scriptName("clusterguard").usage(`$0 <command> [options]\n\n${SUMMARY}`))
    .version(VERSION)
    .help()
    .alias("h", "help")
    .strict()
    .demandCommand(1, "name a command (see --help)")
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      // Throwing stops yargs before any handler runs: a usage error must never still send a request.
      throw new UsageError(msg);
    });
  for (const add of COMMANDS) y = add(y, setExit);
  try {
    await y.parseAsync();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`clusterguard: ${e.message}\nRun 'clusterguard --help' for usage.`);
    return EXIT_USAGE;
  }
  return code;
}

class UsageError extends Error {}
