// Find a virtio-serial port by name when udev has not (yet) made its /dev/virtio-ports/NAME link.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** `device` itself when it exists; for /dev/virtio-ports/NAME, the /dev/vportNpM whose sysfs name is NAME. */
export function resolvePort(device: string, sys = "/sys/class/virtio-ports"): string {
  if (existsSync(device) || !device.startsWith("/dev/virtio-ports/")) return device;
  const want = basename(device);
  try {
    for (const port of readdirSync(sys)) {
      if (readFileSync(join(sys, port, "name"), "utf8").trim() === want) return `/dev/${port}`;
    }
  } catch {
    // no virtio-serial ports at all
  }
  return device;
}
