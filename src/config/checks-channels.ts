// Cross-checks on heartbeat channels: at least one enabled (two recommended); disk needs a device.
import { CHANNEL_KINDS } from "../core/types.ts";
import type { Checker, Draft } from "./validate-context.ts";

/** Error with no channel, warning with one; channels.disk.device required when the disk channel is on. */
export function checkChannels(d: Draft, ck: Checker): void {
  const flags = CHANNEL_KINDS.map((kind) => ({ kind, enabled: d.channels?.[kind]?.enabled }));
  const known = flags.every((f) => typeof f.enabled === "boolean");
  const on = flags.filter((f) => f.enabled === true).map((f) => f.kind);
  if (known && on.length === 0) {
    const all = CHANNEL_KINDS.map((k) => `channels.${k}`).join(", ");
    ck.fail(["channels"], undefined, `at least one of ${all} with enabled = true`, "no heartbeat channel is enabled");
  } else if (known && on.length === 1) {
    ck.warn(["channels", on[0] ?? ""], `only one heartbeat channel is enabled (${on[0]}); a single link is a single point of failure: enable a second channel`);
  }
  const disk = d.channels?.disk;
  if (disk?.enabled === true && disk.device === undefined && !ck.isInvalid(["channels", "disk", "device"])) {
    ck.missing(["channels", "disk", "device"], "an absolute path to the shared block device (required because channels.disk is enabled)");
  }
}
