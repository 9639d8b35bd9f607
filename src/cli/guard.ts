// `clusterguard guard`: the initrd program that decides ACTIVE or STANDBY before the root is mounted.
import type { Argv } from "yargs";
import { formatConfigError } from "../config/index.ts";
import { runGuard } from "../guard/main.ts";
import { EXIT_USAGE } from "./exit-codes.ts";
import { loadBoth } from "./load-both.ts";

/** Register `guard`. */
export function guardCommand(y: Argv, setExit: (code: number) => void): Argv {
  return y.command(
    "guard",
    "decide ACTIVE or STANDBY before the shared root is mounted (run from the initrd)",
    (a) =>
      a
        .option("node", { type: "string", describe: "this node's name (default: rd.clusterguard.node from /proc/cmdline)" })
        .option("host-mode", { type: "boolean", default: false, describe: "run on a booted host (tests): ACTIVE keeps heartbeating instead of continuing a boot" })
        .option("fence-record", { type: "string", describe: "host mode only: a test fence agent that records each fence call in this file and confirms it" })
        .option("realtime", { type: "boolean", default: true, describe: "lock memory and run heartbeats under SCHED_RR where permitted" })
        .option("serial-device", { type: "string", describe: "override channels.serial.device" })
        .option("udp-local", { type: "string", describe: "override this node's heartbeat address" })
        .option("udp-peer", { type: "string", describe: "override the peer's address: ADDR or ADDR:PORT" })
        .option("udp-port", { type: "number", describe: "override channels.udp.port" })
        .option("disk-device", { type: "string", describe: "override channels.disk.device" }),
    async (argv) => {
      if (argv["fence-record"] && !argv["host-mode"]) {
        console.error("clusterguard guard: --fence-record is a test agent and needs --host-mode");
        return setExit(EXIT_USAGE);
      }
      const both = loadBoth(String(argv.config), String(argv.authkey));
      if (!both.ok) {
        for (const e of both.errors) console.error(formatConfigError(e));
        console.error("clusterguard guard: refusing to run with a broken configuration; this node will not go ACTIVE");
        return setExit(EXIT_USAGE);
      }
      setExit(
        await runGuard(both.config, both.key, {
          ...(argv.node ? { node: String(argv.node) } : {}),
          hostMode: Boolean(argv["host-mode"]),
          ...(argv["fence-record"] ? { fenceRecord: String(argv["fence-record"]) } : {}),
          realtime: Boolean(argv.realtime),
          logFormat: argv["log-format"] === "json" ? "json" : "human",
          links: {
            ...(argv["serial-device"] ? { serialDevice: String(argv["serial-device"]) } : {}),
            ...(argv["udp-local"] ? { udpLocal: String(argv["udp-local"]) } : {}),
            ...(argv["udp-peer"] ? { udpPeer: String(argv["udp-peer"]) } : {}),
            ...(argv["udp-port"] !== undefined ? { udpPort: Number(argv["udp-port"]) } : {}),
            ...(argv["disk-device"] ? { diskDevice: String(argv["disk-device"]) } : {}),
          },
        }),
      );
    },
  );
}
