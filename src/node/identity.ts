// Which node this machine is. Both machines boot one shared image, so the boot entry (rd.clusterguard.node=) is the
// only thing that differs, and one wrong entry would start the same node twice. A [[node]] may name its machine:
// the SMBIOS system UUID, or a NIC's MAC. Then the machine's own facts select the node when no entry names one, and
// an entry that names the other machine's node is refused (the guard then never lets the boot continue).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EFIVARS, readLoaderVariable } from "../boot/efi-default.ts";
import type { ClusterConfig, NodeConfig } from "../config/index.ts";

/** What identifies this machine. */
export interface MachineFacts {
  /** /sys/class/dmi/id/product_uuid, lower case; null when unreadable (no DMI, not root). */
  uuid: string | null;
  /** Every NIC's MAC, lower case. */
  macs: string[];
  /** Which entry the boot loader says it booted, and why (systemd-boot's EFI variables); absent when none says. */
  bootEntry?: string;
}

/**
 * What systemd-boot says it booted (LoaderEntrySelected), and whether that was this machine's own default
 * (LoaderEntryDefault in its NVRAM) or chosen at the menu; undefined when no boot loader set these (BIOS, GRUB).
 */
export function readBootEntry(efivars = EFIVARS): string | undefined {
  const selected = readLoaderVariable("LoaderEntrySelected", efivars);
  if (selected === null) return undefined;
  const loader = readLoaderVariable("LoaderInfo", efivars) ?? "the boot loader";
  const def = readLoaderVariable("LoaderEntryDefault", efivars);
  const why =
    def?.toLowerCase() === selected.toLowerCase() // systemd-boot keeps entry ids in lower case
      ? "this machine's default (EFI variable LoaderEntryDefault)"
      : def === null
        ? "chosen at the menu: this machine has no default of its own"
        : `chosen at the menu or once: this machine's default is ${def}`;
  return `${loader} booted ${selected}, ${why}`;
}

/** This machine's facts from sysfs (the directories are parameters for tests). */
export function readMachineFacts(dmi = "/sys/class/dmi/id", net = "/sys/class/net", efivars = EFIVARS): MachineFacts {
  let uuid: string | null = null;
  try {
    uuid = readFileSync(join(dmi, "product_uuid"), "utf8").trim().toLowerCase() || null;
  } catch {
    // no DMI (some VMs, ARM boards) or not readable: the MAC may still tell
  }
  const macs: string[] = [];
  try {
    for (const nic of readdirSync(net)) {
      // A bonding slave shows the bond's MAC once bonded: its own (permanent) one is bonding_slave/perm_hwaddr.
      for (const file of ["address", "bonding_slave/perm_hwaddr"]) {
        try {
          const mac = readFileSync(join(net, nic, file), "utf8")
            .trim()
            .toLowerCase();
          if (mac && mac !== "00:00:00:00:00:00" && !macs.includes(mac)) macs.push(mac);
        } catch {
          // not a bonding slave, or a NIC that vanished meanwhile
        }
      }
    }
  } catch {
    // no /sys/class/net
  }
  const bootEntry = readBootEntry(efivars);
  return bootEntry === undefined ? { uuid, macs } : { uuid, macs, bootEntry };
}

/** Which of `node`'s declared machine facts this machine has: "yes", "no", or "unknown" (none declared). */
export function machineIs(node: NodeConfig, facts: MachineFacts): "yes" | "no" | "unknown" {
  const checks: boolean[] = [];
  if (node.machine_uuid) checks.push(facts.uuid !== null && facts.uuid === node.machine_uuid.toLowerCase());
  if (node.machine_mac) checks.push(facts.macs.includes(node.machine_mac.toLowerCase()));
  if (checks.length === 0) return "unknown";
  return checks.some((c) => c) ? "yes" : "no";
}

/**
 * What the machine facts say about the node a boot entry named (or the node to run as when none was named); a
 * warning when the named node's machine is not this one but no other node's is either (a replaced board or NIC).
 */
export type Identity = { ok: true; name: string; how: string; warning?: string } | { ok: false; why: string };

/** Pure: the node to run as, from the name the entry gave (if any) and this machine's facts. */
export function identify(config: ClusterConfig, named: string | undefined, facts: MachineFacts): Identity {
  const show = `this machine (${facts.uuid ? `system UUID ${facts.uuid}` : "no system UUID"}${facts.macs.length ? `, MACs ${facts.macs.join(" ")}` : ""})`;
  const mine = config.node.filter((n) => machineIs(n, facts) === "yes");
  if (named === undefined) {
    const only = mine.length === 1 ? mine[0] : undefined;
    return only
      ? { ok: true, name: only.name, how: `selected by ${show}: node ${only.name}'s machine` }
      : { ok: false, why: `no node named by the boot entry, and ${show} is no [[node]]'s machine_uuid or machine_mac` };
  }
  const node = config.node.find((n) => n.name === named);
  if (!node) return { ok: true, name: named, how: "" }; // an unknown name is the config's error to report
  // Refused only when this machine is positively the other node's (whether or not the named node names its own).
  const other = mine.find((n) => n.name !== named);
  if (other)
    return {
      ok: false,
      why: `the boot entry names node ${named}, but ${show} is node ${other.name}'s machine: both machines booted ${named}'s entry? Fix this machine's boot entry (rd.clusterguard.node=${other.name}); this node does not run as ${named}`,
    };
  const is = machineIs(node, facts);
  if (is !== "no")
    return {
      ok: true,
      name: named,
      how: is === "yes" ? `${show} is node ${named}'s machine${facts.bootEntry ? `; ${facts.bootEntry}` : ""}` : "",
    };
  // Neither node's machine (a replaced board or NIC): run as named, loudly; the shared disk still catches a twin.
  return {
    ok: true,
    name: named,
    how: "",
    warning: `the boot entry names node ${named}, but ${show} is not its machine (machine_uuid / machine_mac in [[node]] ${named}), nor any other node's: running as ${named}; update the config after replacing a board or NIC`,
  };
}
