// `clusterguard sma list|test`: the built-in plugins, and a conformance check of one [[agent]]'s plugin (like ocf-tester).
import type { Argv } from "yargs";
import { formatConfigError, loadConfig } from "../config/index.ts";
import { BUILTINS } from "../monitor/builtin/index.ts";
import { checkConformance, describePlugin, pluginJson } from "../monitor/conformance.ts";
import { pluginLogger } from "../monitor/operation.ts";
import { isConfigFailure, loadPlugin } from "../monitor/loader.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";

/** What `sma test` runs besides validate and monitor. */
interface TestFlags {
  recover: boolean;
  startStop: boolean;
  verbose: boolean;
}

/** `sma test NAME`: 0 conformant, 1 contract violations, 2 configuration errors. */
async function smaTest(configPath: string, name: string, flags: TestFlags): Promise<number> {
  const c = loadConfig(configPath);
  if (!c.ok) {
    for (const e of c.errors) console.error(formatConfigError(e));
    return EXIT_USAGE;
  }
  const agent = c.config.monitor.find((a) => a.name === name);
  if (agent === undefined) {
    const known = c.config.monitor.map((a) => a.name);
    console.error(
      `${configPath}: no [[monitor]] named ${JSON.stringify(name)}; expected one of: ${known.length > 0 ? known.join(", ") : "(no monitors configured)"}`,
    );
    return EXIT_USAGE;
  }
  const loaded = await loadPlugin(agent.plugin);
  if (!loaded.ok) {
    console.error(`monitor ${name}: ${loaded.error}`);
    if (isConfigFailure(loaded.kind)) return EXIT_USAGE;
    console.log(`FAIL  api: ${loaded.error}`);
    console.log(`${name}: 1 contract violation(s)`);
    return EXIT_FAILURE;
  }
  const log = pluginLogger((level, message) => {
    if (flags.verbose || level !== "debug") console.error(`  plugin ${level}: ${message}`);
  });
  const r = await checkConformance(loaded.plugin, agent, {
    skipRecover: !flags.recover,
    startStop: flags.startStop,
    log,
  });
  for (const l of r.lines) console.log(`${l.status.padEnd(4)}  ${l.step}: ${l.detail}`);
  if (r.configProblems.length > 0) {
    for (const p of r.configProblems) console.error(`${configPath}: monitor ${name}: ${p}`);
    console.error(`${r.configProblems.length} configuration problem(s); the plugin was not run`);
    return EXIT_USAGE;
  }
  console.log(
    r.violations === 0
      ? `${name}: conformant (plugin ${agent.plugin})`
      : `${name}: ${r.violations} contract violation(s)`,
  );
  // an operation that ignored its abort may hold the event loop: do not wait for it
  if (r.lingering > 0) setTimeout(() => process.exit(), 200).unref();
  return r.violations === 0 ? EXIT_OK : EXIT_FAILURE;
}

/** Register `sma list` and `sma test`. */
export function smaCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "sma <action>",
    "service monitoring agent plugins: list the built-ins, test an agent's plugin",
    (a) =>
      a
        .command(
          "list",
          "print the built-in plugins and their parameters",
          (b) => b.option("json", { type: "boolean", default: false, describe: "print as JSON" }),
          (argv) => {
            const all = Object.values(BUILTINS);
            if (argv.json) console.log(JSON.stringify(all.map(pluginJson)));
            else console.log(all.map((p) => describePlugin(p).join("\n")).join("\n\n"));
            setExit(EXIT_OK);
          },
        )
        .command(
          "test <name>",
          "check the [[agent]] NAME's plugin against the contract: validate, monitor twice, recover then monitor (and with --start-stop: stop and start)",
          (b) =>
            b
              .positional("name", { type: "string", demandOption: true, describe: "the [[agent]] name" })
              .option("recover", {
                type: "boolean",
                default: true,
                describe: "run recover too (restarts the service); --no-recover skips it",
              })
              .option("start-stop", {
                type: "boolean",
                default: false,
                describe:
                  "also stop and start the live service (each twice, a monitor after each), as a switchover and a takeover do",
              })
              .option("verbose", { type: "boolean", default: false, describe: "show the plugin's debug lines" }),
          async (argv) =>
            setExit(
              await smaTest(String(argv.config), String(argv.name), {
                recover: argv.recover,
                startStop: argv["start-stop"],
                verbose: argv.verbose,
              }),
            ),
        )
        .demandCommand(1, "name an action: list, test"),
  );
}
