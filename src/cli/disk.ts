// `clusterguard disk init|dump|clear`: write, show or clear the SBD-style heartbeat area on the shared disk.
import type { Argv } from "yargs";
import type { ClusterConfig } from "../config/index.ts";
import { formatConfigError } from "../config/index.ts";
import { openVerifiedArea, readSnapshot } from "../disk/area.ts";
import { describeSnapshot, snapshotJson } from "../disk/describe.ts";
import type { DiskTimers } from "../disk/header.ts";
import { clearMailbox, initDisk } from "../disk/init.ts";
import { errorText } from "../log/logger.ts";
import { clusterIdOf } from "../protocol/index.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";
import { loadBoth } from "./load-both.ts";

/** The timers recorded in the header: the cluster's, plus the poison-pill agent's (SBD defaults otherwise). */
export function diskTimers(c: ClusterConfig): DiskTimers {
  const pill = c.fencing.level.find((a) => a.type === "poison-pill");
  return {
    keepaliveMs: c.timers.keepalive,
    deadtimeMs: c.timers.deadtime,
    msgwaitMs: pill?.type === "poison-pill" ? pill.msgwait : 10000,
    watchdogTimeoutMs: pill?.type === "poison-pill" ? pill.watchdog_timeout * 1000 : 5000,
  };
}

/** Load both files and resolve the device; prints the errors and returns null when either fails. */
function target(
  argv: { config?: unknown; authkey?: unknown; device?: unknown },
  what: string,
): { config: ClusterConfig; key: Uint8Array; device: string } | null {
  const both = loadBoth(String(argv.config), String(argv.authkey));
  if (!both.ok) {
    for (const e of both.errors) console.error(formatConfigError(e));
    return null;
  }
  const device = argv.device ? String(argv.device) : both.config.channels.disk.device;
  if (!device) {
    console.error(`clusterguard disk ${what}: no device: pass --device or set channels.disk.device`);
    return null;
  }
  return { config: both.config, key: both.key, device };
}

/** Register `disk init` and `disk dump`. */
export function diskCommand(y: Argv, setExit: (code: number) => void): Argv {
  const where = (a: Argv) =>
    a
      .option("device", { type: "string", describe: "the shared block device (default: channels.disk.device)" })
      .option("offset", {
        type: "number",
        describe: "byte offset of the area, a multiple of 4096 (default: channels.disk.offset)",
      });
  return y.command("disk <action>", "the shared-disk heartbeat area (SBD-style slots and mailboxes)", (a) =>
    a
      .command(
        "init",
        "write the header and blank slots; watches the area first and refuses one a node writes to; refuses a pending pill, another cluster's or a non-blank area without --force",
        (b) =>
          where(b).option("force", {
            type: "boolean",
            default: false,
            describe:
              "overwrite a pending poison pill, another cluster's area, an untrusted header or other data (never an area a node is seen writing to)",
          }),
        async (argv) => {
          const t = target(argv, "init");
          if (!t) return setExit(EXIT_USAGE);
          const r = await initDisk({
            device: t.device,
            offset: argv.offset ?? t.config.channels.disk.offset,
            clusterName: t.config.cluster.name,
            key: t.key,
            timers: diskTimers(t.config),
            force: Boolean(argv.force),
            log: (line) => console.error(`clusterguard disk init: ${line}`),
          });
          if (r.kind === "refused") {
            console.error(`clusterguard disk init: ${r.reason}`);
            return setExit(EXIT_FAILURE);
          }
          console.log(
            `initialised the heartbeat area on ${r.device} at offset ${r.offset} (${r.mode})${r.overrode ? `; --force overrode this refusal: ${r.overrode}` : ""}`,
          );
          setExit(EXIT_OK);
        },
      )
      .command(
        "dump",
        "show the header, both slots and both mailboxes",
        (b) =>
          where(b).option("json", {
            type: "boolean",
            default: false,
            describe: "print one JSON document: header, and per slot its heartbeat and mailbox (each with a status)",
          }),
        async (argv) => {
          const t = target(argv, "dump");
          if (!t) return setExit(EXIT_USAGE);
          try {
            const area = await openVerifiedArea(t.device, argv.offset ?? t.config.channels.disk.offset, {
              key: t.key,
              clusterId: clusterIdOf(t.config.cluster.name),
            });
            try {
              const snap = await readSnapshot(area);
              const now = Date.now();
              console.log(argv.json ? JSON.stringify(snapshotJson(snap, now), null, 2) : describeSnapshot(snap, now));
            } finally {
              await area.close();
            }
            setExit(EXIT_OK);
          } catch (e) {
            console.error(`clusterguard disk dump: ${errorText(e)}`);
            setExit(EXIT_FAILURE);
          }
        },
      )
      .command(
        "clear",
        "remove a pending poison pill from NODE's mailbox (SBD: message NODE clear), letting it go ACTIVE again",
        (b) =>
          where(b).option("node", { type: "string", demandOption: true, describe: "the node whose mailbox to clear" }),
        async (argv) => {
          const t = target(argv, "clear");
          if (!t) return setExit(EXIT_USAGE);
          const node = t.config.node.find((n) => n.name === argv.node);
          if (!node) {
            console.error(
              `clusterguard disk clear: --node ${String(argv.node)}: expected one of ${t.config.node.map((n) => n.name).join(", ")}`,
            );
            return setExit(EXIT_USAGE);
          }
          try {
            const area = await openVerifiedArea(t.device, argv.offset ?? t.config.channels.disk.offset, {
              key: t.key,
              clusterId: clusterIdOf(t.config.cluster.name),
            });
            try {
              const r = await clearMailbox(area, node.disk_slot, "admin");
              console.log(
                r.cleared
                  ? `cleared ${node.name}'s mailbox (slot ${node.disk_slot}; it held ${r.before})`
                  : `${node.name}'s mailbox (slot ${node.disk_slot}) was already clear`,
              );
            } finally {
              await area.close();
            }
            setExit(EXIT_OK);
          } catch (e) {
            console.error(`clusterguard disk clear: ${errorText(e)}`);
            setExit(EXIT_FAILURE);
          }
        },
      )
      .demandCommand(1, "name an action: init, dump or clear"),
  );
}
