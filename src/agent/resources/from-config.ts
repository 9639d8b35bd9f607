// Build the takeover resources from [[resource]], in file order.
import type { ResourceConfig } from "../../config/index.ts";
import type { CommandOptions } from "./commands.ts";
import { IpResource } from "./ip.ts";
import { MountResource } from "./mount.ts";
import type { Resource } from "./resource.ts";
import { UnitResource } from "./unit.ts";

/** One Resource per config entry; `opts` points the commands elsewhere (tests). */
export function resourcesFrom(config: readonly ResourceConfig[], opts: CommandOptions = {}): Resource[] {
  return config.map((r): Resource => {
    switch (r.type) {
      case "ip":
        return new IpResource({
          ...opts,
          name: r.name,
          address: r.address,
          interface: r.interface,
          arpCount: r.arp_count,
          timeoutMs: r.timeout,
        });
      case "mount":
        return new MountResource({
          ...opts,
          name: r.name,
          device: r.device,
          target: r.target,
          fstype: r.fstype,
          options: r.options,
          timeoutMs: r.timeout,
        });
      case "unit":
        return new UnitResource({ ...opts, name: r.name, timeoutMs: r.timeout });
      default:
        throw new Error(`unknown resource type ${String((r as { type: unknown }).type)}`);
    }
  });
}
