// The lab's provisioning boots. CG_LAB_BOOT=grub: GRUB goes onto the shared disk the way an admin installs a boot
// loader on a real pair's shared disk, from a system booted on it. The image's own kernel and the base's generic
// initrd boot the finished disk with a script as init that runs `grub-install /dev/vda` and `update-grub`, then
// powers off. It has to be a boot: grub-install writes its core image into the BIOS boot partition and patches the
// boot sector with where it went, which it does only for a disk with partition devices; an image file on the host
// is not one (and update-grub must find the root file system's UUID on the disk the machines boot).
// CG_LAB_BOOT=systemd-boot: systemd-boot is already on the EFI system partition (its EFI binary, put there at build);
// each machine boots once through OVMF with its own NVRAM and is given its node there, as on a real pair.
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MACHINE, nodeArgs, smbiosArg } from "./lab-config.ts";
import { BASE, NODES, type Node, RUN } from "./paths.ts";
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

/** The QEMU arguments every provisioning VM starts with: TCG, one vCPU, 512 MB, no display, no reboot. */
const provisionVm = (name: string): string[] => [
  ...["qemu-system-x86_64", "-name", name, "-accel", "tcg,tb-size=128", "-cpu", "max"],
  ...["-m", "512", "-smp", "1", "-display", "none", "-no-user-config", "-nodefaults", "-no-reboot"],
];

/** The error for a provisioning boot that did not say it was done: where its console is, and its last 40 lines. */
function notDone(what: string, log: string, out: string, err: string): Error {
  const tail = `${out}\n${err}`.trim().split("\n").slice(-40).join("\n");
  return new Error(`${what} (console in ${log}):\n${tail}`);
}

/** Boot `disk` once to install GRUB on it; throws with the console's end unless the script said it was done. */
export async function provision(disk: string, t0: number, timeoutMs = 300_000): Promise<void> {
  progress(t0, "provisioning boot: grub-install /dev/vda and update-grub, in a VM booted on the shared disk");
  mkdirSync(RUN, { recursive: true });
  const p = Bun.spawn(
    [
      ...provisionVm("clusterguard-provision"),
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
  const log = join(RUN, "provision-console.log");
  writeFileSync(log, out);
  if (!out.includes(DONE)) throw notDone("the provisioning boot did not install GRUB", log, out, err);
  progress(t0, "GRUB is on the shared disk");
}

/** OVMF (Debian's ovmf): the firmware's code, shared read-only, and the NVRAM template each machine gets a copy of. */
export const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
export const OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";

/** Each machine's NVRAM (its EFI variables) as the provisioning boot left it; `up` gives each run a fresh copy. */
export const varsFile = (dir: string, n: Node) => join(dir, `vars-${n}.fd`);

/** The QEMU arguments of OVMF with machine n's NVRAM. */
export const ovmfArgs = (vars: string): string[] => [
  ...["-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`],
  ...["-drive", `if=pflash,format=raw,unit=1,file=${vars}`],
];

/** The provisioning entry (systemd-boot): loader.conf's default until the last machine has its own. */
export const PROVISION_ENTRY = "00-lab-provision.conf";
const SD_INIT = "/usr/local/sbin/lab-sdboot-default";
const SD_DONE = "lab-sdboot-default: done";

const sdScript = () => `#!/bin/sh
# The lab's provisioning boot of one machine (CG_LAB_BOOT=systemd-boot; qemu/src/provision.ts): systemd-boot started
# it from the shared disk's EFI system partition, so this machine's NVRAM can be given its node, as an admin does on
# each machine of a pair: clusterguard bootloader install --node N --set-default (bootctl set-default and
# set-timeout). The last machine removes the provisioning entry. Then it powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2> /dev/null
mountpoint -q /sys/firmware/efi/efivars || mount -t efivarfs efivarfs /sys/firmware/efi/efivars
mount /boot
case "$(cat /sys/class/dmi/id/product_uuid)" in
    ${MACHINE.a.uuid}) node=a args="${nodeArgs("a")}" ;;
    ${MACHINE.b.uuid}) node=b args="${nodeArgs("b")}" ;;
    *) node="" ;;
esac
if [ -n "$node" ] && clusterguard bootloader install --node "$node" --args "$args" --set-default; then
    if [ "$node" = b ]; then
        rm -f /boot/loader/entries/${PROVISION_ENTRY}
        sed -i '/^default ${PROVISION_ENTRY}$/d' /boot/loader/loader.conf
    fi
    bootctl status --no-pager 2>&1 | sed -n '/^Boot Loader Entries:/,$p' | head -5
    echo "${SD_DONE} (node $node)"
else
    echo "lab-sdboot-default: FAILED (machine $(cat /sys/class/dmi/id/product_uuid))"
fi
umount /boot
sync
echo o > /proc/sysrq-trigger
sleep 30
`;

/**
 * Put the systemd-boot provisioning into the image before the disk is made: the script, and an entry booting it with
 * the distribution's initrd, which loader.conf names as the default (the entry a machine without its own default
 * has highlighted at the forced menu).
 */
export function addSdbootProvisioner(root: string, kver: string): void {
  mkdirSync(join(root, "usr/local/sbin"), { recursive: true });
  writeFileSync(join(root, SD_INIT.slice(1)), sdScript());
  chmodSync(join(root, SD_INIT.slice(1)), 0o755);
  writeFileSync(
    join(root, "boot/loader/entries", PROVISION_ENTRY),
    `title lab provisioning (qemu/src/provision.ts)\nlinux /vmlinuz-${kver}\ninitrd /initrd.img-${kver}\noptions root=LABEL=cgroot rw console=ttyS0,115200 panic=-1 init=${SD_INIT}\n`,
  );
  appendFileSync(join(root, "boot/loader/loader.conf"), `default ${PROVISION_ENTRY}\n`);
}

/**
 * Boot each machine once through OVMF and systemd-boot on `disk`, with its own fresh NVRAM in `dir`: at the forced
 * menu (no default of its own yet) the lab presses Enter, as the admin would, on the provisioning entry, whose script
 * sets this machine's default. Throws with the console's end unless the script said it was done.
 */
export async function provisionSdboot(disk: string, dir: string, t0: number): Promise<void> {
  for (const n of NODES) {
    progress(
      t0,
      `provisioning boot of machine ${n}: OVMF, systemd-boot's menu, Enter; bootloader install --node ${n} --set-default`,
    );
    copyFileSync(OVMF_VARS, varsFile(dir, n));
    const p = Bun.spawn(
      [
        ...provisionVm(`clusterguard-provision-${n}`),
        ...ovmfArgs(varsFile(dir, n)),
        ...["-smbios", smbiosArg(n)],
        ...["-drive", `file=${disk},format=raw,if=none,id=root,cache=unsafe`],
        ...["-device", "virtio-blk-pci,drive=root,bootindex=0", "-serial", "stdio"],
      ],
      { stdin: "pipe", stdout: "pipe", stderr: "pipe" },
    );
    let out = "";
    const reader = (async () => {
      const dec = new TextDecoder();
      for await (const chunk of p.stdout) out += dec.decode(chunk, { stream: true });
    })();
    const err = new Response(p.stderr).text();
    const deadline = Date.now() + 600_000;
    // Enter at the menu, until the kernel speaks (an early one waits in the firmware's input buffer).
    while (p.exitCode === null && Date.now() < deadline) {
      if (!out.includes("Linux version")) {
        p.stdin.write("\r");
        p.stdin.flush();
      }
      await Bun.sleep(2000);
    }
    if (p.exitCode === null) p.kill("SIGKILL");
    await p.exited;
    await reader;
    const log = join(dir, `provision-console-${n}.log`);
    writeFileSync(log, out);
    if (!out.includes(`${SD_DONE} (node ${n})`))
      throw notDone(`machine ${n}'s provisioning boot did not set its default`, log, out, await err);
  }
  progress(t0, "each machine's NVRAM names its own node's entry");
}
