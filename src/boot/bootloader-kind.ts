// Which boot loader configuration a system tree uses: Boot Loader Specification entries, or GRUB's /etc/grub.d.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type BootloaderKind = "bls" | "grub";

/** BLS when /boot/loader/entries holds entries (systemd-boot, Fedora/RHEL GRUB), else GRUB when /etc/grub.d exists. */
export function detectBootloader(root: string): BootloaderKind | null {
  const entries = join(root, "boot/loader/entries");
  if (existsSync(entries) && readdirSync(entries).some((f) => f.endsWith(".conf"))) return "bls";
  if (existsSync(join(root, "etc/grub.d"))) return "grub";
  return null;
}

/** Node names are used in file names and menu titles: the config's pattern. */
export function validNodeName(node: string): boolean {
  return /^[A-Za-z0-9_.-]{1,32}$/.test(node);
}
