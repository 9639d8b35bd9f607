// `clusterguard monitors [list|pause NAME|resume NAME|plugins|test NAME]`: the service monitors on the agent (list,
// pause, resume), the built-in plugins, and a conformance check of one [[monitor]]'s plugin (like ocf-tester). Also
// the old spellings, `agents` and `sma`, refused with the new one.
import type { Argv } from "yargs";
import { formatConfigError, loadConfig } from "../config/index.ts";
import type { MonitorStatus } from "../monitor/status.ts";
import { BUILTINS } from "../monitor/builtin/index.ts";
import { checkConformance, describePlugin, pluginJson } from "../monitor/conformance.ts";
import { pluginLogger } from "../monitor/operation.ts";
import { isConfigFailure, loadPlugin } from "../monitor/loader.ts";
import { type CallArgs, call } from "./call.ts";
import { withConnectOptions } from "./connect-options.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { renderMonitors } from "./render.ts";

/** What `monitors test` runs besides validate and monitor. */
interface TestFlags {
  recover: boolean;
  startStop: boolean;
  verbose: boolean;
}

/** `monitors test NAME`: 0 conformant, 1 contract violations, 2 configuration errors. */
async function testMonitor(configPath: string, name: string, flags: TestFlags): Promise<number> {
  const c = loadConfig(configPath);
  if (!c.ok) {
    for (const e of c.errors) console.error(formatConfigError(e));
    return EXIT_USAGE;
  }
  const monitor = c.config.monitor.find((a) => a.name === name);
  if (monitor === undefined) {
    const known = c.config.monitor.map((a) => a.name);
    console.error(
      `${configPath}: no [[monitor]] named ${JSON.stringify(name)}; expected one of: ${known.length > 0 ? known.join(", ") : "(no monitors configured)"}`,
    );
    return EXIT_USAGE;
  }
  const loaded = await loadPlugin(monitor.plugin);
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
  const r = await checkConformance(loaded.plugin, monitor, {
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
      ? `${name}: conformant (plugin ${monitor.plugin})`
      : `${name}: ${r.violations} contract violation(s)`,
  );
  // an operation that ignored its abort may hold the event loop: do not wait for it
  if (r.lingering > 0) setTimeout(() => process.exit(), 200).unref();
  return r.violations === 0 ? EXIT_OK : EXIT_FAILURE;
}

/** `monitors [list]`, `monitors pause NAME`, `monitors resume NAME`: one request to the agent, the monitors printed. */
async function askAgent(
  argv: CallArgs & { json: boolean },
  action: "list" | "pause" | "resume",
  name?: string,
): Promise<number> {
  const req = name === undefined ? ({ op: "monitors", action } as const) : ({ op: "monitors", action, name } as const);
  const r = await call<MonitorStatus[]>(argv, req, "monitors");
  if (!r.ok) return r.code;
  if (argv.json) console.log(JSON.stringify(r.result));
  else {
    if (action !== "list") console.log(`${action === "pause" ? "paused" : "resumed"} ${name}`);
    console.log(renderMonitors(r.result, new Date().toISOString()).join("\n"));
  }
  return EXIT_OK;
}

/** Register `monitors` and its subcommands (list is the default). */
export function monitorsCommand(y: Argv, setExit: (code: number) => void): Argv {
  const json = { type: "boolean", default: false, describe: "print the monitors as JSON" } as const;
  const nameArg = { type: "string", demandOption: true, describe: "the [[monitor]] name" } as const;
  return y.command(
    "monitors",
    "the service monitors: list them, pause or resume one, list the built-in plugins, test a monitor's plugin",
    (a) =>
      a
        .command(
          ["list", "$0"],
          "list the service monitors: state, health, counters, last result (the default)",
          (b) => withConnectOptions(b, 30_000).option("json", json),
          async (argv) => setExit(await askAgent(argv as CallArgs & { json: boolean }, "list")),
        )
        .command(
          "pause <name>",
          "pause the monitor NAME (no checks, no recovery) until it is resumed",
          (b) => withConnectOptions(b, 30_000).positional("name", nameArg).option("json", json),
          async (argv) => setExit(await askAgent(argv as CallArgs & { json: boolean }, "pause", String(argv.name))),
        )
        .command(
          "resume <name>",
          "resume the paused or stopped monitor NAME",
          (b) => withConnectOptions(b, 30_000).positional("name", nameArg).option("json", json),
          async (argv) => setExit(await askAgent(argv as CallArgs & { json: boolean }, "resume", String(argv.name))),
        )
        .command(
          "plugins",
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
          "check the [[monitor]] NAME's plugin against the contract: validate, monitor twice, recover then monitor (and with --start-stop: stop and start)",
          (b) =>
            b
              .positional("name", nameArg)
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
              await testMonitor(String(argv.config), String(argv.name), {
                recover: argv.recover,
                startStop: argv["start-stop"],
                verbose: argv.verbose,
              }),
            ),
        ),
  );
}

// The old spellings: `agents [list|pause NAME|resume NAME]` and `sma list|test NAME`, refused naming the new command.

/** The new command for an old `agents ...` or `sma ...` command line. */
export function renamedCommand(old: "agents" | "sma", args: readonly string[]): string {
  const [action, ...rest] = args;
  if (old === "sma") {
    if (action === "list") return "clusterguard monitors plugins";
    if (action === "test") return ["clusterguard monitors test", ...rest].join(" ");
    return "clusterguard monitors plugins, or clusterguard monitors test NAME";
  }
  if (action === undefined || action === "list" || action === "pause" || action === "resume")
    return ["clusterguard monitors", ...args].join(" ");
  return "clusterguard monitors [list|pause NAME|resume NAME]";
}

/** Register the old `agents` and `sma` (hidden): each says what it is called now, exit 2. */
export function renamedMonitorCommands(y: Argv, setExit: (code: number) => void): Argv {
  for (const old of ["agents", "sma"] as const) {
    y = y.command(
      `${old} [args..]`,
      false,
      (a) => a.strict(false).help(false),
      (argv) => {
        const args = ((argv.args as unknown[] | undefined) ?? []).map(String);
        console.error(`clusterguard ${old}: renamed: use '${renamedCommand(old, args)}'`);
        setExit(EXIT_USAGE);
      },
    );
  }
  return y;
}
