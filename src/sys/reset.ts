// Reset this machine at once, without syncing: a node that must stop writing to a shared disk flushes nothing.
import { lastError, libc } from "./libc.ts";

const RB_AUTOBOOT = 0x01234567;

/** reboot(2) with RB_AUTOBOOT; returns only if the kernel refused, with why. */
export function resetNow(): string {
  libc().reboot(RB_AUTOBOOT);
  return `reboot(RB_AUTOBOOT) refused: ${lastError()}`;
}
