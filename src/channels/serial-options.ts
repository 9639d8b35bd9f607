// What a serial channel needs to know, validated before anything is opened.
import { BAUDS, isBaud, type Baud } from "./termios-flags.ts";

/** Constructor options of SerialChannel. */
export type SerialOptions = {
  /** Tty path, e.g. /dev/ttyS1 (a null-modem cable) or a pty link in tests. */
  device: string;
  baud: number;
  /** First delay before reopening a device that failed; doubles up to reopenMaxMs. */
  reopenMinMs?: number;
  reopenMaxMs?: number;
};

/** The options with defaults filled in and every value checked. */
export type SerialSettings = { device: string; baud: Baud; reopenMinMs: number; reopenMaxMs: number };

/** Checks the options; throws an Error naming the option, what was expected and what arrived. */
export function serialSettings(options: SerialOptions): SerialSettings {
  const { device, baud, reopenMinMs = 200, reopenMaxMs = 5000 } = options;
  if (typeof device !== "string" || device.length === 0) {
    throw new Error(`serial device: expected a tty path such as /dev/ttyS1, got ${JSON.stringify(device)}`);
  }
  if (!isBaud(baud)) throw new Error(`serial baud: expected one of ${BAUDS.join(", ")}, got ${JSON.stringify(baud)}`);
  if (!Number.isFinite(reopenMinMs) || reopenMinMs <= 0) {
    throw new Error(`serial reopenMinMs: expected a positive number of milliseconds, got ${reopenMinMs}`);
  }
  if (!Number.isFinite(reopenMaxMs) || reopenMaxMs < reopenMinMs) {
    throw new Error(`serial reopenMaxMs: expected milliseconds >= reopenMinMs (${reopenMinMs}), got ${reopenMaxMs}`);
  }
  return { device, baud, reopenMinMs, reopenMaxMs };
}
