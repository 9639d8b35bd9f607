// The lab's provisioning boot (CG_LAB_BOOT=grub): GRUB goes onto the shared disk the way an admin installs a boot
// loader on a real pair's shared disk, from a system booted on it. The image's own kernel and the base's generic
// initrd boot the finished disk with a script as init that runs `grub-install /dev/vda` and `update-grub`, then
// powers off. It has to be a boot: grub-install writes its core image into the BIOS boot partition and patches the
// boot sector with where it went, which it does only for a disk with partition devices; an image file on the host
// is not one (and update-grub must find the root file system's UUID on the disk the machines boot).
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, RUN } from "./paths.ts";
import { progress } from "./sh.ts";

/** Where the script sits in the image (it stays there: a later `update-grub` needs no lab). */
const INIT = "/usr/local/sbin/lab-grub-install";
const DONE = "lab-grub-install: done";

const SCRIPT = `#!/bin/sh
# The lab's provisioning boot (qemu/src/provision.ts): GRUB onto the shared disk, grub.cfg written, power off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2> /dev/null
if grub-install --target=i386-pc /dev/vda && update-grub; then
    echo "${DONE}"
else
    echo "lab-grub-install: FAILED"
fi
sync
echo o > /proc/sysrq-trigger
sleep 30
`;

/** Put the provisioning script into the root file system before the disk is made. */
export function addProvisioner(root: string): void {
  mkdirSync(join(root, "usr/local/sbin"), { recursive: true });
  writeFileSync(join(root, INIT.slice(1)), SCRIPT);
  chmodSync(join(root, INIT.slice(1)), 0o755);
}

/** Boot `disk` once to install GRUB on it; throws with the console's end unless the script said it was done. */
export async function provision(disk: string, t0: number, timeoutMs = 300_000): Promise<void> {
  progress(t0, "provisioning boot: grub-install /dev/vda and update-grub, in a VM booted on the shared disk");
  mkdirSync(RUN, { recursive: true });
  const p = Bun.spawn(
    [
      ...["qemu-system-x86_64", "-name", "clusterguard-provision", "-accel", "tcg,tb-size=128", "-cpu", "max"],
      ...["-m", "512", "-smp", "1", "-display", "none", "-no-user-config", "-nodefaults", "-no-reboot"],
      ...["-kernel", join(BASE, "vmlinuz"), "-initrd", join(BASE, "initrd.img")],
      ...["-append", `root=LABEL=cgroot rw console=ttyS0,115200 panic=-1 init=${INIT}`],
      ...["-drive", `file=${disk},format=raw,if=none,id=root,cache=unsafe`, "-device", "virtio-blk-pci,drive=root"],
      ...["-serial", "stdio"],
    ],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  clearTimeout(timer);
  writeFileSync(join(RUN, "provision-console.log"), out);
  if (!out.includes(DONE)) {
    const tail = `${out}\n${err}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(
      `the provisioning boot did not install GRUB (console in ${join(RUN, "provision-console.log")}):\n${tail}`,
    );
  }
  progress(t0, "GRUB is on the shared disk");
}
