// `clusterguard guard` and `clusterguard agent`: the two runners, and the options they share (node identity, host
// mode for tests, realtime, link and handover overrides).
import type { Argv } from "yargs";
import { runAgent } from "../agent/main.ts";
import { type ClusterConfig, formatConfigError } from "../config/index.ts";
import { runGuard } from "../guard/main.ts";
import type { LinkOverrides } from "../node/options.ts";
import { EXIT_USAGE } from "./exit-codes.ts";
import { loadBoth } from "./load-both.ts";

/** Add the shared options to a command. */
export function withLinkOptions<T>(a: Argv<T>) {
  return a
    .option("node", { type: "string", describe: "this node's name (default: rd.clusterguard.node from /proc/cmdline)" })
    .option("host-mode", {
      type: "boolean",
      default: false,
      describe: "run on a booted host (tests): never resets the machine, never arms a watchdog",
    })
    .option("fence-record", {
      type: "string",
      describe: "host mode only: a test fence device that records each fence call in this file and confirms it",
    })
    .option("realtime", {
      type: "boolean",
      default: true,
      describe: "lock memory and run heartbeats under SCHED_RR where permitted",
    })
    .option("serial-device", { type: "string", describe: "override channels.serial.device" })
    .option("udp-local", { type: "string", describe: "override this node's heartbeat address" })
    .option("udp-peer", { type: "string", describe: "override the peer's address: ADDR or ADDR:PORT" })
    .option("udp-port", { type: "number", describe: "override channels.udp.port" })
    .option("disk-device", { type: "string", describe: "override channels.disk.device" })
    .option("handover-socket", {
      type: "string",
      describe:
        "where the link holder offers its links (default /run/clusterguard/handover.sock; none for a host-mode guard)",
    })
    .option("management-socket", {
      type: "string",
      describe: "override management.socket (a host-mode guard serves none unless given)",
    })
    .option("run-dir", {
      type: "string",
      describe:
        "where this boot's incarnation and STOPPED records live (default /run/clusterguard; none in host mode unless given)",
    });
}

type Parsed = Record<string, unknown>;

/** The link overrides given on the command line. */
export function linkOverrides(argv: Parsed): LinkOverrides {
  return {
    ...(argv["serial-device"] ? { serialDevice: String(argv["serial-device"]) } : {}),
    ...(argv["udp-local"] ? { udpLocal: String(argv["udp-local"]) } : {}),
    ...(argv["udp-peer"] ? { udpPeer: String(argv["udp-peer"]) } : {}),
    ...(argv["udp-port"] !== undefined ? { udpPort: Number(argv["udp-port"]) } : {}),
    ...(argv["disk-device"] ? { diskDevice: String(argv["disk-device"]) } : {}),
  };
}

/** The identity and mode options both runners take. */
export function runOptions(argv: Parsed) {
  return {
    ...(argv.node ? { node: String(argv.node) } : {}),
    hostMode: Boolean(argv["host-mode"]),
    ...(argv["fence-record"] ? { fenceRecord: String(argv["fence-record"]) } : {}),
    ...(argv["handover-socket"] ? { handoverSocket: String(argv["handover-socket"]) } : {}),
    ...(argv["management-socket"] ? { managementSocket: String(argv["management-socket"]) } : {}),
    ...(argv["run-dir"] ? { runDir: String(argv["run-dir"]) } : {}),
    realtime: Boolean(argv.realtime),
    logFormat: argv["log-format"] === "json" ? ("json" as const) : ("human" as const),
    links: linkOverrides(argv),
  };
}

/** Check the test-only options and load config + authkey for `guard`/`agent`; the exit code when that fails. */
export function loadForRun(
  argv: Parsed,
  command: string,
  refusal: string,
): { config: ClusterConfig; key: Uint8Array } | number {
  if (argv["fence-record"] && !argv["host-mode"]) {
    console.error(`clusterguard ${command}: --fence-record is a test fence device and needs --host-mode`);
    return EXIT_USAGE;
  }
  const both = loadBoth(String(argv.config), String(argv.authkey));
  if (!both.ok) {
    for (const e of both.errors) console.error(formatConfigError(e));
    if (refusal) console.error(`clusterguard ${command}: ${refusal}`);
    return EXIT_USAGE;
  }
  return { config: both.config, key: both.key };
}

/** Register `guard`: the initrd program that decides ACTIVE or STANDBY before the root is mounted. */
export function guardCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "guard",
    "decide ACTIVE or STANDBY before the shared root is mounted (run from the initrd)",
    (a) => withLinkOptions(a),
    async (argv) => {
      const both = loadForRun(
        argv,
        "guard",
        "refusing to run with a broken configuration; this node will not go ACTIVE",
      );
      if (typeof both === "number") return setExit(both);
      setExit(await runGuard(both.config, both.key, runOptions(argv)));
    },
  );
}

/** Register `agent`: the post-boot daemon (takes the links over from the guard, heartbeats as ACTIVE, serves). */
export function agentCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "agent",
    "run the post-boot daemon: take the links over from the guard, heartbeats, service monitors, management socket",
    (a) =>
      withLinkOptions(a)
        .option("handover-file", {
          type: "string",
          describe: "where a stopped agent leaves its links' state (default /run/clusterguard/handover.json)",
        })
        .option("kmsg-events", {
          choices: ["critical", "all"] as const,
          default: "critical" as const,
          describe:
            "when systemd connects the output to the journal, every event goes to journald and these to /dev/kmsg (the console) too; without the journal every event goes to kmsg",
        }),
    async (argv) => {
      const both = loadForRun(argv, "agent", "");
      if (typeof both === "number") return setExit(both);
      setExit(
        await runAgent(both.config, both.key, {
          ...runOptions(argv),
          ...(argv["handover-file"] ? { handoverFile: String(argv["handover-file"]) } : {}),
          kmsgEvents: argv["kmsg-events"] === "all" ? "all" : "critical",
          configPath: String(argv.config),
          authkeyPath: String(argv.authkey),
        }),
      );
    },
  );
}
