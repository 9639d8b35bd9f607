// Where the distro keeps its initrd for a kernel, and where the guard's initrd goes beside it.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** The distro's default initrd for `kver` (Debian initrd.img-KVER, Fedora initramfs-KVER.img). */
export function distroInitrd(root: string, kver: string): string {
  const fedora = join(root, "boot", `initramfs-${kver}.img`);
  return existsSync(fedora) ? fedora : join(root, "boot", `initrd.img-${kver}`);
}

/** The guard's initrd, next to the distro's, never the same file. */
export function guardInitrd(root: string, kver: string): string {
  const fedora = existsSync(join(root, "boot", `initramfs-${kver}.img`));
  return join(root, "boot", fedora ? `initramfs-${kver}-clusterguard.img` : `initrd.img-${kver}-clusterguard`);
}

/** Kernel versions installed in `root` (from /lib/modules), newest last. */
export function installedKernels(root: string): string[] {
  try {
    return readdirSync(join(root, "lib/modules"))
      .filter(
        (k) =>
          existsSync(join(root, "lib/modules", k, "modules.dep")) || existsSync(join(root, "lib/modules", k, "kernel")),
      )
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  } catch {
    return [];
  }
}
