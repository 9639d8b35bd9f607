// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (path or abstract "@name").
import { ptr } from "bun:ffi";
import { lastError, libc } from "./libc.ts";

const AF_UNIX = 1;
const SOCK_DGRAM_CLOEXEC = 2 | 0o2000000;

/** Send `state` (e.g. "READY=1\nSTATUS=ACTIVE") to the service manager; null when sent or not under systemd. */
export function sdNotify(state: string, socketPath = process.env.NOTIFY_SOCKET): string | null {
  if (!socketPath) return null;
  const path = new TextEncoder().encode(socketPath);
  if (path.length > 107) return `NOTIFY_SOCKET too long (${path.length} bytes)`;
  const addr = new Uint8Array(2 + 108);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(path, 2);
  if (socketPath.startsWith("@")) addr[2] = 0;
  const fd = libc().socket(AF_UNIX, SOCK_DGRAM_CLOEXEC, 0);
  if (fd < 0) return `socket(AF_UNIX) failed: ${lastError()}`;
  try {
    const msg = new TextEncoder().encode(state);
    const n = libc().sendto(fd, ptr(msg), msg.length, 0, ptr(addr), 2 + path.length);
    return Number(n) === msg.length ? null : `sendto ${socketPath} failed: ${lastError()}`;
  } finally {
    libc().close(fd);
  }
}
