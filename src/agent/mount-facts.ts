// Read what the switchover's freeze plan is made from: this namespace's mounts, the block devices in sysfs, and
// the device numbers of the devices that make a disk shared (the heartbeat area, each mount resource's device).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { BlockDevice, MountFacts } from "./freeze-plan.ts";
import { devno, resolveDevice } from "./resources/mount-device.ts";
import { type MountLine, parseMountinfo } from "./resources/mountinfo.ts";

/** Where to read from (tests point elsewhere). */
export interface FactSources {
  mountinfo?: string;
  sysBlock?: string;
  diskDir?: string;
}

/** Devices named in the configuration whose disks are shared, each with what it is. */
export type SharedDevice = { device: string; what: string };

/** Read the facts now; a shared device that does not resolve to a block device (an image file in tests) adds no disk. */
export function readMountFacts(
  shared: readonly SharedDevice[],
  rootShared: boolean,
  src: FactSources = {},
): MountFacts {
  const mounts = parseMountinfo(readFileSync(src.mountinfo ?? "/proc/self/mountinfo", "utf8")).map(blockNumber);
  const blocks = readBlockDevices(src.sysBlock);
  const devnos: MountFacts["shared"] = [];
  for (const s of shared) {
    const id = resolveDevice(s.device, src.diskDir);
    if (id.kind === "block") devnos.push({ devno: id.devno, what: s.what });
  }
  return { mounts, blocks, shared: devnos, rootShared };
}

/** Every block device in /sys/class/block: its number, the device a partition is on, the slaves of a dm/md device. */
export function readBlockDevices(sysBlock = "/sys/class/block"): BlockDevice[] {
  const out: BlockDevice[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(sysBlock);
  } catch {
    return out;
  }
  for (const name of names) {
    const dir = join(sysBlock, name);
    try {
      const number = readFileSync(join(dir, "dev"), "utf8").trim();
      const partOf = existsSync(join(dir, "partition")) ? basename(dirname(realpathSync(dir))) : null;
      const slaves = existsSync(join(dir, "slaves")) ? readdirSync(join(dir, "slaves")) : [];
      out.push({ name, devno: number, partOf, slaves });
    } catch {
      // gone while reading: it holds no mount
    }
  }
  return out;
}

/** A file system with an anonymous number (btrfs, 0:N) is on the block device its source names, when it is one. */
function blockNumber(m: MountLine): MountLine {
  if (!m.devno.startsWith("0:") || !m.source.startsWith("/dev/")) return m;
  try {
    const st = statSync(m.source);
    return st.isBlockDevice() ? { ...m, devno: devno(st.rdev) } : m;
  } catch {
    return m;
  }
}
