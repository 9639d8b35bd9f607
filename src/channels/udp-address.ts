// Is an address configured on this machine right now? (the UDP channel's address watch)
import { networkInterfaces } from "node:os";

/** True when `address` is assigned to an interface (any 127/8 address counts as present on lo). */
export function addressPresent(address: string): boolean {
  if (address.startsWith("127.") || address === "::1" || address === "0.0.0.0" || address === "::") return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.address === address) return true;
  }
  return false;
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
