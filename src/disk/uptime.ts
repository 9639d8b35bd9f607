// System uptime in ms for heartbeat slots: /proc/uptime read once, then advanced with the monotonic clock.

import { readFileSync } from "node:fs";

let baseMs: number | undefined;

/** Uptime of this boot in ms (process uptime when /proc/uptime is unreadable); never goes backwards. */
export function uptimeMs(): number {
  if (baseMs === undefined) {
    let systemMs = 0;
    try {
      systemMs = Number.parseFloat(readFileSync("/proc/uptime", "utf8")) * 1000;
    } catch {
      // No /proc (unusual even in an initrd): uptime then counts from process start.
    }
    baseMs = (Number.isFinite(systemMs) ? systemMs : 0) - performance.now();
  }
  return Math.max(0, Math.floor(baseMs + performance.now()));
}
