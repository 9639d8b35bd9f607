// The Linux watchdog device (/dev/watchdog: hardware or softdog): arm with a timeout, pet, and never disarm by accident.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { ptr } from "bun:ffi";
import { lastError, libc } from "./libc.ts";

/** _IOWR('W', 6, int): set the timeout in seconds; the driver writes back what it applied. */
const WDIOC_SETTIMEOUT = 0xc0045706n;

/** A watchdog that resets this machine unless pet() is called at least once per timeout. */
export interface Watchdog {
  readonly device: string;
  /** The timeout the driver applied, in seconds. */
  readonly timeoutS: number;
  /** Keep the machine alive for another timeout. Never throws. */
  pet(): void;
  /** Close the device; `disarm` writes the magic 'V' first, otherwise the timer keeps running (a handover). */
  close(disarm: boolean): void;
}

/** Opens and arms `device` with `timeoutS`; returns the watchdog or why it could not be armed. */
export function openWatchdog(device: string, timeoutS: number): Watchdog | string {
  let fd: number;
  try {
    fd = openSync(device, constants.O_WRONLY);
  } catch (e) {
    return `cannot open ${device}: ${(e as Error).message}`;
  }
  const t = new Int32Array([timeoutS]);
  if (libc().ioctl(fd, WDIOC_SETTIMEOUT, ptr(t)) !== 0) {
    const why = lastError();
    writeSync(fd, "V");
    closeSync(fd);
    return `${device}: WDIOC_SETTIMEOUT ${timeoutS} s refused: ${why}`;
  }
  const applied = t[0] ?? timeoutS;
  return {
    device,
    timeoutS: applied,
    pet() {
      try {
        writeSync(fd, "k");
      } catch {
        // a failed pet is a missed pet: the watchdog does the rest
      }
    },
    close(disarm: boolean) {
      try {
        if (disarm) writeSync(fd, "V");
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}
