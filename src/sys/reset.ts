// Reset or power off this machine at once, without syncing: a node that must stop writing to a shared disk flushes nothing.
import { lastError, libc } from "./libc.ts";

const RB_AUTOBOOT = 0x01234567;
const RB_POWER_OFF = 0x4321fedc;

/** reboot(2) with RB_AUTOBOOT (or RB_POWER_OFF for "off"), after sync(2) if `flush`; returns only if the kernel refused. */
export function resetNow(power: "reset" | "off" = "reset", flush = false): string {
  if (flush) libc().sync();
  libc().reboot(power === "off" ? RB_POWER_OFF : RB_AUTOBOOT);
  return `reboot(${power === "off" ? "RB_POWER_OFF" : "RB_AUTOBOOT"}) refused: ${lastError()}`;
}
