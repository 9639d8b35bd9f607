// The command line: yargs commands, each in its own file; this file only assembles them.
import yargs, { type Argv } from "yargs";
import { agentCommand } from "./agent.ts";
import { configCheckCommand } from "./config-check.ts";
import { bootloaderCommand } from "./bootloader.ts";
import { diskCommand } from "./disk.ts";
import { initrdCommand } from "./initrd.ts";
import { EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { guardCommand } from "./guard.ts";
import { keygenCommand } from "./keygen.ts";
import { statusCommand } from "./status.ts";
import { VERSION, versionCommand } from "./version.ts";

/** Parse `args`, run the command, and return the exit code. */
export async function runCli(args: string[]): Promise<number> {
  let code = EXIT_OK;
  const setExit = (c: number) => {
    code = c;
  };
  let y: Argv = yargs(args)
    .scriptName("clusterguard")
    .usage("$0 <command> [options]\n\nEarly-boot cluster guard for two-node shared-disk HA clusters.")
    .option("log-format", { choices: ["human", "json"] as const, default: "human" as const, describe: "events as human lines or one JSON object per line" })
    .option("config", { type: "string", default: "/etc/clusterguard/clusterguard.toml", describe: "configuration file" })
    .option("authkey", { type: "string", default: "/etc/clusterguard/authkey", describe: "shared secret file (root, mode 0600)" })
    .version(VERSION)
    .help()
    .alias("h", "help")
    .strict()
    .demandCommand(1, "name a command (see --help)")
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      console.error(`clusterguard: ${msg}\nRun 'clusterguard --help' for usage.`);
      code = EXIT_USAGE;
    });
  for (const add of [guardCommand, agentCommand, statusCommand, configCheckCommand, diskCommand, initrdCommand, bootloaderCommand, keygenCommand, versionCommand]) {
    y = add(y, setExit);
  }
  await y.parseAsync();
  return code;
}
