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

/** Which watchdog, at what timeout: what a boot's later processes keep it on (snapshot, run record, slot). */
export type WatchdogTerms = Pick<Watchdog, "device" | "timeoutS">;

/** The system calls a watchdog needs; unit tests pass a recording fake (design.md: effectors are faked there). */
export interface WatchdogIo {
  open(device: string): number;
  /** WDIOC_SETTIMEOUT: 0, with the applied timeout written back into `t[0]`, or why it was refused. */
  setTimeout(fd: number, t: Int32Array): 0 | string;
  write(fd: number, byte: "k" | "V"): void;
  close(fd: number): void;
}

/** The real device, through node:fs and ioctl(2). */
export const REAL_WATCHDOG_IO: WatchdogIo = {
  open: (device) => openSync(device, constants.O_WRONLY),
  setTimeout: (fd, t) => (libc().ioctl(fd, WDIOC_SETTIMEOUT, ptr(t)) === 0 ? 0 : lastError()),
  write: (fd, byte) => void writeSync(fd, byte),
  close: (fd) => closeSync(fd),
};

/**
 * Opens and arms `device` with `timeoutS`; returns the watchdog or why it could not be armed. `running`: an earlier
 * process of this boot armed it and the node counts on it: a refused timeout leaves it running (no magic close).
 */
export function openWatchdog(
  device: string,
  timeoutS: number,
  io: WatchdogIo = REAL_WATCHDOG_IO,
  o: { running?: boolean } = {},
): Watchdog | string {
  let fd: number;
  try {
    fd = io.open(device);
  } catch (e) {
    return `cannot open ${device}: ${(e as Error).message}`;
  }
  const t = new Int32Array([timeoutS]);
  const refused = io.setTimeout(fd, t);
  if (refused !== 0) {
    // Opening started the timer: stop it again (magic close) so a refused arm never resets the node later; unless an
    // earlier process of this boot had armed it: then it keeps running, and resets the node if nobody pets it.
    try {
      if (!o.running) io.write(fd, "V");
      io.close(fd);
    } catch {
      // nothing more to undo
    }
    return `${device}: WDIOC_SETTIMEOUT ${timeoutS} s refused: ${refused}`;
  }
  const applied = t[0] ?? timeoutS;
  return {
    device,
    timeoutS: applied,
    pet() {
      try {
        io.write(fd, "k");
      } catch {
        // a failed pet is a missed pet: the watchdog does the rest
      }
    },
    close(disarm: boolean) {
      try {
        if (disarm) io.write(fd, "V");
        io.close(fd);
      } catch {
        // already closed
      }
    },
  };
}
