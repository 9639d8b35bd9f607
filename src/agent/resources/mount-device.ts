// How a mount resource's configured device shows in mountinfo: a block device by its number (LABEL=, UUID=,
// PARTUUID=, PARTLABEL= found through udev's /dev/disk links), an image file through its loop device, else its name.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/** The configured device, resolved as far as this machine allows. */
export type DeviceId =
  | { kind: "block"; devno: string; path: string }
  | { kind: "image"; file: string }
  | { kind: "name"; source: string }
  | { kind: "unresolved"; why: string };

/** `TAG=` prefixes and the /dev/disk directory udev links them in. */
const TAGS: Record<string, string> = {
  LABEL: "by-label",
  UUID: "by-uuid",
  PARTUUID: "by-partuuid",
  PARTLABEL: "by-partlabel",
};

/** udev's spelling of a tag value in a link name: anything but [A-Za-z0-9#+-.:=@_] becomes \xHH. */
export function udevEncode(value: string): string {
  return [...Buffer.from(value, "utf8")]
    .map((b) =>
      /[A-Za-z0-9#+\-.:=@_]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, "0")}`,
    )
    .join("");
}

/** Resolve `device` (as [[resource]] gives it) now; `diskDir` is /dev/disk (tests point elsewhere). */
export function resolveDevice(device: string, diskDir = "/dev/disk"): DeviceId {
  const tag = /^([A-Z]+)=(.+)$/.exec(device);
  if (tag !== null) {
    const dir = TAGS[tag[1] ?? ""];
    if (dir === undefined) return { kind: "name", source: device };
    const value = tag[2] ?? "";
    const links = [join(diskDir, dir, udevEncode(value)), join(diskDir, dir, udevEncode(value.toLowerCase()))];
    for (const link of links) {
      const id = fromPath(link);
      if (id.kind === "block") return id;
    }
    return { kind: "unresolved", why: `${device}: no ${links[0]} (is the device there, and udev running?)` };
  }
  if (!device.startsWith("/")) return { kind: "name", source: device };
  const id = fromPath(device);
  return id.kind === "unresolved" ? { kind: "unresolved", why: `${device}: ${id.why}` } : id;
}

/** The loop device's backing file for a device number, or null (not a loop device, or gone). */
export function loopBacking(devno: string, sysDir = "/sys/dev/block"): string | null {
  try {
    return readFileSync(join(sysDir, devno, "loop", "backing_file"), "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** "major:minor" of a dev_t, as mountinfo writes it (glibc's major()/minor() split). */
export function devno(rdev: number): string {
  const major = (((rdev / 256) & 0xfff) | ((rdev / 2 ** 32) & 0xfffff000)) >>> 0;
  const minor = ((rdev & 0xff) | ((rdev / 4096) & 0xffffff00)) >>> 0;
  return `${major}:${minor}`;
}

function fromPath(path: string): DeviceId {
  try {
    const real = realpathSync(path);
    const st = statSync(real);
    if (st.isBlockDevice()) return { kind: "block", devno: devno(st.rdev), path: real };
    if (st.isFile()) return { kind: "image", file: real };
    return { kind: "unresolved", why: `${real} is neither a block device nor an image file` };
  } catch (e) {
    return {
      kind: "unresolved",
      why: `cannot resolve it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    };
  }
}
