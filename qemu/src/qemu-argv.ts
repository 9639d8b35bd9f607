// The QEMU command line of one lab VM: shared root, heartbeat disk, serial cable, Ethernet, fence port, watchdog.
import { join } from "node:path";
import { type BmcSpec, bmcQemuArgs } from "./bmc.ts";
import type { BootSet } from "./build.ts";
import { LAB_ARGS, smbiosArg } from "./lab-config.ts";
import { ovmfArgs, varsFile } from "./provision.ts";
import { type Node, peerOf, RUN } from "./paths.ts";

export const ETH_PORT: Record<Node, { local: number; remote: number }> = {
  a: { local: 17601, remote: 17611 },
  b: { local: 17602, remote: 17612 },
};

/**
 * TCG only: /dev/kvm on this kind of host is not usable hardware KVM (see platform notes). With `bmc`, the VM also
 * gets its BMC (ipmi-bmc-extern) and management NIC (qemu/src/bmc.ts), appended; without it, nothing changes.
 * A boot set made for GRUB boots the shared disk through the GRUB installed on it (SeaBIOS, the root disk first), one
 * made for systemd-boot through OVMF with the machine's own NVRAM and the systemd-boot on the disk's EFI system
 * partition; unless the boot has extra kernel arguments: that one is a direct kernel boot with the node's entry, as an admin
 * typing arguments at the GRUB menu would boot. `entry` boots another node's entry on this machine (directly): the
 * admin's mistake of both machines on one entry.
 */
export function qemuArgv(n: Node, boot: BootSet, extraArgs = "", bmc?: BmcSpec, entry: Node = n): string[] {
  const p = ETH_PORT[n];
  const mac = n === "a" ? "52:54:00:c6:00:01" : "52:54:00:c6:00:02";
  const direct =
    boot.via !== "kernel" && extraArgs === "" && entry === n
      ? []
      : [
          "-kernel",
          boot.kernel,
          "-initrd",
          boot.initrd,
          "-append",
          `${boot.options[entry]} ${LAB_ARGS} ${extraArgs}`.trim(),
        ];
  return [
    "qemu-system-x86_64",
    "-name",
    `clusterguard-${n}`,
    "-accel",
    "tcg,tb-size=128",
    "-cpu",
    "max",
    "-m",
    "512",
    "-smp",
    "1",
    "-display",
    "none",
    "-no-user-config",
    "-nodefaults",
    ...direct,
    // systemd-boot: OVMF with this machine's own NVRAM (its default entry and menu timeout live there).
    ...(boot.via === "systemd-boot" ? ovmfArgs(varsFile(RUN, n)) : []),
    // The machine's identity, as its firmware gives it: GRUB picks the node's entry by it, the guard checks it.
    "-smbios",
    smbiosArg(n),
    // ONE shared system image for both nodes, and the small shared heartbeat/poison-pill disk.
    "-drive",
    `file=${join(RUN, "shared.img")},format=raw,if=none,id=root,cache=none`,
    "-device",
    // Through the boot loader: the firmware boots the shared disk first (with -kernel, QEMU's boot ROM holds bootindex 0).
    `virtio-blk-pci,drive=root,share-rw=on${direct.length === 0 ? ",bootindex=0" : ""}`,
    "-drive",
    `file=${join(RUN, "sbd.img")},format=raw,if=none,id=sbd,cache=none`,
    "-device",
    "virtio-blk-pci,drive=sbd,share-rw=on",
    // ttyS0: the console (stdout of QEMU, timestamped by the lab); the null-modem cable via the lab relay on ttyS1, or
    // with OVMF on ttyS3 (COM4): OVMF reads COM1 and COM2 as its keyboard (HEARTBEAT_TTY in lab-config.ts).
    "-chardev",
    "stdio,id=con,signal=off",
    "-serial",
    "chardev:con",
    "-chardev",
    `socket,id=hb,path=${join(RUN, `serial-${n}.sock`)},server=on,wait=off`,
    ...(boot.via === "systemd-boot" ? ["-device", "isa-serial,chardev=hb,index=3"] : ["-serial", "chardev:hb"]),
    // eth0: the crossover link, one Ethernet frame per datagram through the lab relay.
    "-netdev",
    `dgram,id=eth,local.type=inet,local.host=127.0.0.1,local.port=${p.local},remote.type=inet,remote.host=127.0.0.1,remote.port=${p.remote}`,
    "-device",
    `virtio-net-pci,netdev=eth,mac=${mac}`,
    // The fence port: a virtio-serial port wired to the lab PDU that powers the peer.
    "-device",
    "virtio-serial-pci",
    "-chardev",
    `socket,id=fence,path=${join(RUN, `pdu-${peerOf(n)}.sock`)},reconnect=1`,
    "-device",
    "virtserialport,chardev=fence,name=fence.peer",
    // hvc0: the lab's root shell in the initrd (a debug shell, lab image only), to run commands on a parked node.
    "-chardev",
    `socket,id=shell,path=${join(RUN, `shell-${n}.sock`)},server=on,wait=off`,
    "-device",
    "virtconsole,chardev=shell,name=lab.shell",
    "-device",
    "i6300esb",
    "-action",
    "watchdog=reset",
    "-qmp",
    `unix:${join(RUN, `qmp-lab-${n}.sock`)},server=on,wait=off`,
    "-qmp",
    `unix:${join(RUN, `qmp-pdu-${n}.sock`)},server=on,wait=off`,
    ...(bmc ? bmcQemuArgs(bmc) : []),
  ];
}
