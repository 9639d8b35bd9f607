// SO_BINDTODEVICE: tie a socket to one network interface (heartbeat's `ucast eth1 ...`).
import { ptr } from "bun:ffi";
import { lastError, libc } from "./libc.ts";

const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;

/** Bind socket `fd` to interface `ifname`; throws with errno text when the kernel refuses. */
export function bindToDevice(fd: number, ifname: string): void {
  const name = new TextEncoder().encode(`${ifname}\0`);
  if (libc().setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ptr(name), name.length) !== 0) {
    throw new Error(`SO_BINDTODEVICE ${ifname} on fd ${fd} refused: ${lastError()}`);
  }
}
