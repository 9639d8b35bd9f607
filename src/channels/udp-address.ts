// Is an address configured on this machine right now, does its NIC have a carrier? (the UDP channel's watch)
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";

/** True when `address` is assigned to an interface (any 127/8 address counts as present on lo). */
export function addressPresent(address: string): boolean {
  if (address.startsWith("127.") || address === "::1" || address === "0.0.0.0" || address === "::") return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.address === address) return true;
  }
  return false;
}

/**
 * Why `iface` has no carrier, or null when it has one or the kernel cannot tell (no carrier file: the bind
 * reports a missing interface). Reads DIR/IFACE/carrier: "0" is no carrier, and the read fails with EINVAL
 * while the interface is administratively down.
 */
export function carrierLost(dir: string, iface: string): string | null {
  let text: string;
  try {
    text = readFileSync(`${dir}/${iface}/carrier`, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EINVAL" ? `${iface} is down (no carrier)` : null;
  }
  return text.trim() === "0" ? `no carrier on ${iface} (cable pulled, or the peer's NIC is off)` : null;
}

/** The directed broadcast address of the interface holding `address` (IPv4), or null. */
export function broadcastOf(address: string): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.address !== address || a.family !== "IPv4") continue;
      const ip = a.address.split(".").map(Number);
      const mask = a.netmask.split(".").map(Number);
      return ip.map((b, i) => (b | (~(mask[i] ?? 0) & 255)) & 255).join(".");
    }
  }
  return null;
}
