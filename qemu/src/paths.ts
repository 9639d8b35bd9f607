// Where the lab keeps things: the cached base (outside tracked files), the built layers, the running lab, reports.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const REPO = resolve(import.meta.dir, "../..");
/** Outside the clone, so CI and fresh clones on one machine reuse the slow base (override: CG_LAB_CACHE). */
export const CACHE = process.env.CG_LAB_CACHE ?? "/var/cache/clusterguard-lab";
export const BASE = resolve(CACHE, "base");
/**
 * The guard initrd the image is built with (`clusterguard initrd regenerate --kind`): systemd or shell (dracut), or
 * initramfs-tools, for which the image swaps dracut for initramfs-tools. Each kind has its own image folder, so
 * switching between them rebuilds nothing.
 */
export const INITRD_KIND = process.env.CG_LAB_INITRD ?? "systemd";
/**
 * The fence levels: each VM's BMC over IPMI-over-LAN (ipmi, as on real servers: qemu/src/bmc.ts), or the lab's QMP
 * power switch on a virtio port (qmp), then the poison pill; or the BMCs alone (ipmi-only: a pair without a pill,
 * where a dead BMC leaves only the administrator's manual confirmation).
 */
export const LAB_FENCE: "ipmi" | "qmp" | "ipmi-only" = (() => {
  const f = process.env.CG_LAB_FENCE ?? "ipmi";
  if (f !== "ipmi" && f !== "qmp" && f !== "ipmi-only")
    throw new Error(`CG_LAB_FENCE=${f}: expected ipmi (the default), qmp or ipmi-only`);
  return f;
})();
/**
 * How the VMs boot: through GRUB installed on the shared disk (SeaBIOS), each machine picking its own node's entry by
 * its SMBIOS UUID, as a real pair does (grub); through systemd-boot on the shared disk's EFI system partition (OVMF,
 * each VM with its own NVRAM), each machine booting the default its NVRAM names (systemd-boot); or QEMU's -kernel
 * with the entry's kernel, initrd and options (kernel).
 */
export const LAB_BOOT: "grub" | "systemd-boot" | "kernel" = (() => {
  const b = process.env.CG_LAB_BOOT ?? "grub";
  if (b !== "grub" && b !== "systemd-boot" && b !== "kernel")
    throw new Error(`CG_LAB_BOOT=${b}: expected grub (the default), systemd-boot or kernel`);
  return b;
})();
/** The VMs have BMCs (and the management network). */
export const LAB_BMCS = LAB_FENCE !== "qmp";
const variant = [
  ...(INITRD_KIND === "systemd" ? [] : [INITRD_KIND]),
  ...(LAB_FENCE === "ipmi" ? [] : [LAB_FENCE]),
  ...(LAB_BOOT === "grub" ? [] : [LAB_BOOT]),
];
export const IMAGE = resolve(CACHE, ["image", ...variant].join("-"));
export const RUN = resolve(CACHE, "run");
export const OUT = resolve(REPO, "qemu/out");
export const EXE = resolve(REPO, "dist/clusterguard");
/** `make deb`'s package, which the image installs with dpkg. */
export const DEB = resolve(
  REPO,
  `dist/clusterguard_${JSON.parse(readFileSync(resolve(REPO, "package.json"), "utf8")).version}_amd64.deb`,
);
export const CONTROL = resolve(RUN, "lab.sock");

export type Node = "a" | "b";
export const NODES: readonly Node[] = ["a", "b"];
export const peerOf = (n: Node): Node => (n === "a" ? "b" : "a");
