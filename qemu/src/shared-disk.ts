// The lab's shared disk from the host: its partitions (qemu/image/make-disk.sh) copied out, checked, read.
import { join } from "node:path";
import { execa } from "execa";
import { LAB_BOOT, RUN } from "./paths.ts";

/** The shared disk's file systems: partition number, mount point in the VMs, type. */
export const PARTS = [
  { n: 1, mount: "/", fstype: "ext4" },
  { n: 2, mount: "/var/lib/lab", fstype: "ext4" },
  // The EFI system partition: /boot itself with systemd-boot (qemu/src/lab-config.ts LAB_FSTAB).
  { n: 3, mount: LAB_BOOT === "systemd-boot" ? "/boot" : "/boot/efi", fstype: "vfat" },
] as const;
export type Part = (typeof PARTS)[number];

/** Copy partition `p` of `disk` into its own image file (holes stay holes); returns its path. */
export async function copyPartition(disk: string, p: Part, out = join(RUN, `check-p${p.n}.img`)): Promise<string> {
  const table = JSON.parse((await execa("sfdisk", ["--json", disk])).stdout) as {
    partitiontable: { sectorsize?: number; partitions: { start: number; size: number }[] };
  };
  const sector = table.partitiontable.sectorsize ?? 512;
  const part = table.partitiontable.partitions[p.n - 1];
  if (part === undefined)
    throw new Error(
      `${disk} has no partition ${p.n} (expected ${PARTS.length}: the lab image from qemu/image/make-disk.sh)`,
    );
  await execa("dd", [
    `if=${disk}`,
    `of=${out}`,
    "bs=4M",
    `skip=${part.start * sector}`,
    `count=${part.size * sector}`,
    "iflag=skip_bytes,count_bytes",
    "conv=sparse",
    "status=none",
  ]);
  return out;
}

/**
 * Check a copied partition strictly, after what the next mount would do anyway: ext4 replays its journal first;
 * vfat's dirty bit (set while mounted, and the VMs were stopped hard) is not counted as damage.
 */
export async function checkPartition(img: string, p: Part): Promise<{ clean: boolean; output: string }> {
  if (p.fstype === "ext4") {
    await execa("e2fsck", ["-E", "journal_only", "-y", img], { reject: false });
    const r = await execa("e2fsck", ["-fn", img], { reject: false, all: true });
    return { clean: r.exitCode === 0, output: tail(r.all ?? "") };
  }
  const r = await execa("fsck.fat", ["-n", img], { reject: false, all: true });
  const complaints = (r.all ?? "")
    .split("\n")
    .filter(
      (l) =>
        l.trim() !== "" &&
        !/^fsck\.fat |^Dirty bit is set|Automatically removing dirty bit|^Leaving filesystem unchanged|: \d+ files, /.test(
          l.trim(),
        ),
    );
  return { clean: r.exitCode === 0 || (r.exitCode === 1 && complaints.length === 0), output: tail(r.all ?? "") };
}

/** A file's content in a copied (and, for ext4, journal-replayed) partition; null when it is not there. */
export async function readPartitionFile(img: string, p: Part, path: string): Promise<string | null> {
  if (p.fstype === "ext4") {
    const r = await execa("debugfs", ["-R", `cat ${path}`, img], { reject: false, all: true });
    return r.exitCode === 0 && !/File not found/.test(r.all ?? "") ? r.stdout : null;
  }
  const r = await execa("mtype", ["-i", img, `::${path}`], { reject: false });
  return r.exitCode === 0 ? r.stdout : null;
}

function tail(s: string): string {
  return s.split("\n").slice(-6).join("\n");
}
