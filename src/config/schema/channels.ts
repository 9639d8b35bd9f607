// [channels.*]: the heartbeat links (serial, udp, disk), and the cross-checks: at least one enabled (two
// recommended); disk needs a device.
import { CHANNEL_KINDS } from "../../core/types.ts";
import type { Checker, ConfigDraft } from "../validate.ts";
import { IFNAME } from "./shapes.ts";
import { absPath, type TableSpec } from "./spec.ts";

/** Line speeds the serial channel accepts. */
export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;

/** [channels] */
export const CHANNELS: TableSpec = {
  type: "table",
  doc: "heartbeat links",
  fields: {
    serial: {
      type: "table",
      doc: "null-modem serial link",
      fields: {
        enabled: { type: "bool", doc: "use this link", default: true },
        device: absPath("serial device", "/dev/ttyS1"),
        baud: { type: "enum", doc: "line speed", values: BAUD_RATES, default: 115200 },
      },
    },
    udp: {
      type: "table",
      doc: "UDP heartbeats on the crossover Ethernet link",
      fields: {
        enabled: { type: "bool", doc: "use this link", default: true },
        port: { type: "int", doc: "UDP port", min: 1, max: 65535, default: 694 },
        interface: {
          type: "string",
          doc: "bind to this network interface",
          pattern: IFNAME,
          expect: "a network interface name of 1-15 characters [A-Za-z0-9_.:-]",
        },
        broadcast: { type: "bool", doc: "send to the broadcast address instead of the peer's address", default: false },
      },
    },
    disk: {
      type: "table",
      doc: "heartbeat slots on the shared disk",
      fields: {
        enabled: { type: "bool", doc: "use this link", default: false },
        device: absPath("shared block device (required when enabled)"),
        offset: {
          type: "int",
          doc: "start of the heartbeat area",
          min: 0,
          max: Number.MAX_SAFE_INTEGER,
          multipleOf: 4096,
          unit: "bytes",
          default: 0,
        },
      },
    },
  },
};

/** Error with no channel, warning with one; channels.disk.device required when the disk channel is on. */
export function checkChannels(d: ConfigDraft, ck: Checker): void {
  const flags = CHANNEL_KINDS.map((kind) => ({ kind, enabled: d.channels?.[kind]?.enabled }));
  const known = flags.every((f) => typeof f.enabled === "boolean");
  const on = flags.filter((f) => f.enabled === true).map((f) => f.kind);
  if (known && on.length === 0) {
    const all = CHANNEL_KINDS.map((k) => `channels.${k}`).join(", ");
    ck.fail(["channels"], undefined, `at least one of ${all} with enabled = true`, "no heartbeat channel is enabled");
  } else if (known && on.length === 1) {
    ck.warn(
      ["channels", on[0] ?? ""],
      `only one heartbeat channel is enabled (${on[0]}); a single link is a single point of failure: enable a second channel`,
    );
  }
  const disk = d.channels?.disk;
  if (disk?.enabled === true && disk.device === undefined && !ck.isInvalid(["channels", "disk", "device"])) {
    ck.missing(
      ["channels", "disk", "device"],
      "an absolute path to the shared block device (required because channels.disk is enabled)",
    );
  }
}
