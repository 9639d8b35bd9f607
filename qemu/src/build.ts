// `lab build`: the shared system image, installed the way an admin would, rebuilt only when its inputs change.
import { createHash, randomBytes } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
} from "node:fs";
import { basename, join } from "node:path";
import {
  BASE_OPTIONS,
  bmcPasswordPath,
  clusterToml,
  GRUB_DEFAULTS,
  LAB_ARGS,
  LAB_FSTAB,
  LAB_WEB,
  LOADER_CONF,
  MACHINE,
  nodeArgs,
} from "./lab-config.ts";
import { runIn } from "../../src/boot/chroot.ts";
import { DEFAULT_ENTRY_ARGS } from "../../src/boot/bootloader.ts";
import { guardInitrd } from "../../src/boot/initrd-paths.ts";
import { BASE, CACHE, DEB, EXE, IMAGE, INITRD_KIND, LAB_BMCS, LAB_BOOT, NODES, type Node, REPO } from "./paths.ts";
import { addProvisioner, addSdbootProvisioner, OVMF_CODE, provision, provisionSdboot } from "./provision.ts";
import { assertNothingMounted } from "./mounts.ts";
import { progress, sh } from "./sh.ts";
import { selfSignedCert } from "../../test/helpers/tls.ts";

/** What `up` needs from a build: the kernel, the guard initrd, each node's boot entry options. */
export interface BootSet {
  kernel: string;
  initrd: string;
  kver: string;
  options: Record<Node, string>;
  kind: string;
  /**
   * grub: the VMs boot the shared disk through GRUB; systemd-boot: through OVMF and systemd-boot, each VM with its
   * own NVRAM (a boot with extra arguments is still direct in both); kernel: -kernel.
   */
  via: "grub" | "systemd-boot" | "kernel";
}

function inputsHash(): string {
  const h = createHash("sha256");
  const files = [
    DEB,
    join(BASE, "stamp"),
    join(REPO, "qemu/image/make-disk.sh"),
    join(REPO, "qemu/image/use-initramfs-tools.sh"),
    // The provisioning boots' scripts and entry go into the image.
    join(REPO, "qemu/src/provision.ts"),
    ...dirFiles(join(REPO, "dracut-module/90clusterguard")),
    ...dirFiles(join(REPO, "qemu/files")),
    ...dirFiles(join(REPO, "initrd/kernel")),
    ...dirFiles(join(REPO, "initrd/systemd")),
    ...dirFiles(join(REPO, "bootloader/grub")),
    ...dirFiles(join(REPO, "bootloader/bls")),
  ];
  for (const f of files) h.update(f).update(readFileSync(f));
  h.update(clusterToml()).update(BASE_OPTIONS).update(LAB_FSTAB).update(INITRD_KIND).update(NODES.map(nodeArgs).join());
  return h.digest("hex");
}

function dirFiles(d: string): string[] {
  return readdirSync(d)
    .sort()
    .map((f) => join(d, f));
}

/** Build (or reuse) the image layer; returns the boot set. */
export async function build(opts: { force?: boolean } = {}): Promise<BootSet> {
  const t0 = performance.now();
  await sh("make", ["-s", "-C", REPO, "deb"]);
  progress(t0, "base image (cached; qemu/image/build-base.sh)");
  await sh("bash", [join(REPO, "qemu/image/build-base.sh")], { env: { CG_LAB_CACHE: CACHE } });
  const stamp = join(IMAGE, "stamp");
  const hash = inputsHash();
  if (!opts.force && existsSync(stamp) && readFileSync(stamp, "utf8") === hash) {
    progress(t0, "image layer unchanged: reusing it");
    return JSON.parse(readFileSync(join(IMAGE, "boot.json"), "utf8")) as BootSet;
  }
  assertNothingMounted(IMAGE);
  rmSync(IMAGE, { recursive: true, force: true });
  mkdirSync(IMAGE, { recursive: true });
  const root = join(IMAGE, "rootfs");
  progress(t0, "copying the base root file system");
  await sh("cp", ["-a", "--reflink=auto", join(BASE, "rootfs"), root]);
  await installPackage(root, t0);
  writeFileSync(join(root, "etc/clusterguard/clusterguard.toml"), clusterToml());
  await sh(EXE, ["keygen", "--authkey", join(root, "etc/clusterguard/authkey")]);
  if (LAB_BMCS)
    for (const n of NODES) {
      // Each BMC's own password (IPMI 2.0 allows 20 characters): in the image for the guard, beside it for ipmi_sim.
      const pw = `${randomBytes(8).toString("hex")}\n`;
      writeFileSync(join(root, bmcPasswordPath(n).slice(1)), pw, { mode: 0o600 });
      writeFileSync(join(IMAGE, `bmc-${n}.pw`), pw, { mode: 0o600 });
    }
  makeWebSecrets(root);
  installWorkload(root);
  mkdirSync(join(root, "var/lib/lab"), { recursive: true });
  mkdirSync(join(root, "boot/efi"), { recursive: true });
  appendFileSync(join(root, "etc/fstab"), LAB_FSTAB);
  const kver = readFileSync(join(BASE, "kernel-version"), "utf8").trim();
  if (LAB_BOOT === "grub") {
    writeFileSync(join(root, "etc/default/grub"), GRUB_DEFAULTS);
    addProvisioner(root);
  } else writeDefaultEntry(root, kver);
  if (LAB_BOOT === "systemd-boot") await installSystemdBoot(root, t0);
  progress(t0, `clusterguard initrd regenerate --root rootfs --kind ${INITRD_KIND} (about a minute)`);
  console.log(await sh(EXE, ["initrd", "regenerate", "--root", root, "--kver", kver, "--kind", INITRD_KIND]));
  // With GRUB, each node's entry is for the machine with its SMBIOS UUID; update-grub runs in the provisioning boot.
  for (const n of NODES) {
    const grub = LAB_BOOT === "grub" ? ["--match", `smbios-uuid=${MACHINE[n].uuid}`, "--no-update"] : [];
    console.log(await sh(EXE, ["bootloader", "install", "--root", root, "--node", n, "--args", nodeArgs(n), ...grub]));
  }
  if (LAB_BOOT === "systemd-boot") addSdbootProvisioner(root, kver);
  const set = bootSet(root, kver);
  copyFileSync(join(root, "etc/clusterguard/clusterguard.toml"), join(IMAGE, "clusterguard.toml"));
  copyFileSync(join(root, "etc/clusterguard/authkey"), join(IMAGE, "authkey"));
  progress(t0, "shared.img: mkfs.ext4 -d rootfs, and the /var/lib/lab and /boot/efi partitions");
  // With systemd-boot, /boot is the EFI system partition: its files move there, out of the root file system.
  const esp = join(IMAGE, "esp");
  if (LAB_BOOT === "systemd-boot")
    await sh("mv", ["-T", join(root, "boot"), esp]).then(() => mkdirSync(join(root, "boot")));
  await sh("bash", [join(REPO, "qemu/image/make-disk.sh"), root, join(IMAGE, "shared.img"), "2G"], {
    env: { CG_LAB_CACHE: CACHE, ...(LAB_BOOT === "systemd-boot" ? { ESP_MIB: String(ESP_MIB), ESP_FROM: esp } : {}) },
  });
  rmSync(esp, { recursive: true, force: true });
  if (LAB_BOOT === "grub") await provision(join(IMAGE, "shared.img"), t0);
  if (LAB_BOOT === "systemd-boot") await provisionSdboot(join(IMAGE, "shared.img"), IMAGE, t0);
  assertNothingMounted(root);
  rmSync(root, { recursive: true, force: true });
  writeFileSync(join(IMAGE, "boot.json"), JSON.stringify(set, null, 2));
  writeFileSync(stamp, hash);
  progress(t0, "image ready");
  return set;
}

/** Run `cmd` chrooted in the image's root; its output, or an error naming `what` with the output. */
async function inImage(root: string, what: string, cmd: string, args: string[]): Promise<string> {
  const r = await runIn(root, cmd, args);
  if (r.exitCode !== 0) throw new Error(`${what} in the image failed (exit ${r.exitCode}):\n${r.output}`);
  return r.output;
}

/**
 * Install clusterguard the way an admin would: `dpkg -i` of `make deb`'s package inside the image (its Depends checked,
 * its postinst run), so every lab run tests the package. For an initramfs-tools image, first swap dracut for
 * initramfs-tools (qemu/image/use-initramfs-tools.sh, from the Debian mirror).
 */
async function installPackage(root: string, t0: number): Promise<void> {
  const inRoot = (what: string, cmd: string, args: string[]) => inImage(root, what, cmd, args);
  if (INITRD_KIND === "initramfs-tools") {
    progress(t0, "initramfs-tools instead of dracut (apt-get, from the Debian mirror)");
    const placeholder = readFileSync(join(root, "etc/resolv.conf"));
    copyFileSync("/etc/resolv.conf", join(root, "etc/resolv.conf"));
    copyFileSync(join(REPO, "qemu/image/use-initramfs-tools.sh"), join(root, "var/tmp/use-initramfs-tools.sh"));
    try {
      await inRoot("use-initramfs-tools.sh", "sh", ["/var/tmp/use-initramfs-tools.sh"]);
    } finally {
      writeFileSync(join(root, "etc/resolv.conf"), placeholder);
      rmSync(join(root, "var/tmp/use-initramfs-tools.sh"));
    }
  }
  progress(t0, `dpkg -i ${DEB.slice(REPO.length + 1)}`);
  copyFileSync(DEB, join(root, "var/tmp/clusterguard.deb"));
  try {
    console.log((await inRoot("dpkg -i", "dpkg", ["-i", "/var/tmp/clusterguard.deb"])).trim());
  } finally {
    rmSync(join(root, "var/tmp/clusterguard.deb"));
  }
  if (INITRD_KIND === "initramfs-tools") {
    // Back to Debian's default, now that no more packages change: kernel upgrades update the distro's initrd.
    writeFileSync(join(root, "etc/initramfs-tools/update-initramfs.conf"), "update_initramfs=yes\n");
    await inRoot("apt-get clean", "apt-get", ["clean"]);
    rmSync(join(root, "var/lib/apt/lists"), { recursive: true, force: true });
    mkdirSync(join(root, "var/lib/apt/lists/partial"), { recursive: true });
  }
}

/**
 * The web console's login token and its self-signed certificate, made as the README tells admins (openssl), for
 * CN=localhost and IP 127.0.0.1 (the host opens it through the lab's forward): in the image at LAB_WEB's paths,
 * mode 0600 where secret, and beside the image (mgmt.token, web-cert.pem) for the host's browser and the login hint.
 */
function makeWebSecrets(root: string): void {
  const token = `${randomBytes(24).toString("hex")}\n`;
  writeFileSync(join(root, LAB_WEB.token.slice(1)), token, { mode: 0o600 });
  writeFileSync(join(IMAGE, "mgmt.token"), token, { mode: 0o600 });
  const made = selfSignedCert(IMAGE, {
    prefix: "web-",
    cn: "localhost",
    days: 3650,
    altNames: ["DNS:localhost", "IP:127.0.0.1"],
  });
  copyFileSync(made.cert, join(root, LAB_WEB.cert.slice(1)));
  copyFileSync(made.key, join(root, LAB_WEB.key.slice(1)));
  chmodSync(join(root, LAB_WEB.key.slice(1)), 0o600);
  rmSync(made.key);
}

function installWorkload(root: string): void {
  copyFileSync(join(REPO, "qemu/files/workload.sh"), join(root, "usr/local/bin/workload"));
  Bun.spawnSync(["chmod", "0755", join(root, "usr/local/bin/workload")]);
  copyFileSync(join(REPO, "qemu/files/workload.service"), join(root, "etc/systemd/system/workload.service"));
  mkdirSync(join(root, "etc/systemd/system/multi-user.target.wants"), { recursive: true });
  symlinkSync(
    "/etc/systemd/system/workload.service",
    join(root, "etc/systemd/system/multi-user.target.wants/workload.service"),
  );
  const getty = join(root, "etc/systemd/system/serial-getty@ttyS0.service.d");
  mkdirSync(getty, { recursive: true });
  copyFileSync(join(REPO, "qemu/files/autologin.conf"), join(getty, "autologin.conf"));
  // The lab's initrd shell on hvc0 (qemu/files/debug-shell-hvc0.conf), enabled by rd.systemd.debug_shell.
  mkdirSync(join(root, "etc/systemd/system/debug-shell.service.d"), { recursive: true });
  copyFileSync(
    join(REPO, "qemu/files/debug-shell-hvc0.conf"),
    join(root, "etc/systemd/system/debug-shell.service.d/lab-hvc0.conf"),
  );
  if (INITRD_KIND !== "initramfs-tools")
    copyFileSync(
      join(REPO, "qemu/files/dracut-lab-shell.conf"),
      join(root, "etc/dracut.conf.d/20-clusterguard-lab-shell.conf"),
    );
  // The agent's events on the console as well as in the journal (qemu/files/agent-kmsg-all.conf).
  mkdirSync(join(root, "etc/systemd/system/clusterguard-agent.service.d"), { recursive: true });
  copyFileSync(
    join(REPO, "qemu/files/agent-kmsg-all.conf"),
    join(root, "etc/systemd/system/clusterguard-agent.service.d/lab-kmsg-all.conf"),
  );
  // The package's postinst enabled the agent, as deb-systemd-helper does on a first install.
  const wants = join(root, "etc/systemd/system/sysinit.target.wants/clusterguard-agent.service");
  // (the link is absolute, into the image: look at the link itself)
  if (!lstatSync(wants, { throwIfNoEntry: false })?.isSymbolicLink())
    throw new Error(`dpkg -i left the agent disabled: ${wants} is missing`);
}

/**
 * The EFI system partition's size with systemd-boot: the kernel (8 MB), the distribution's initrd (38 MB) and the
 * guard initrd (96 MB with gzip, which the lab's base has) fit with room for the boot loader.
 */
const ESP_MIB = 256;

/**
 * systemd-boot as an admin installs it on Debian 12: the systemd-boot package (bootctl, the EFI binary in
 * systemd-boot-efi), fetched on the host with apt-get download (the host is Debian 12 too: the versions match the
 * image's systemd) and installed with dpkg; then its EFI binary onto /boot, which becomes the EFI system partition.
 * And loader.conf before `bootloader install` changes it.
 */
async function installSystemdBoot(root: string, t0: number): Promise<void> {
  progress(t0, "systemd-boot: apt-get download on the host, dpkg -i in the image, its EFI binary onto /boot");
  if (!existsSync(OVMF_CODE)) await sh("bash", [join(REPO, "test/install-host-deps.sh"), "ovmf"]);
  const debs = join(CACHE, "systemd-boot-debs");
  rmSync(debs, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  await sh("sh", ["-c", `cd '${debs}' && apt-get download systemd-boot systemd-boot-efi`]);
  mkdirSync(join(root, "var/tmp/sdboot"), { recursive: true });
  for (const f of readdirSync(debs)) copyFileSync(join(debs, f), join(root, "var/tmp/sdboot", f));
  try {
    await inImage(root, "dpkg -i systemd-boot systemd-boot-efi", "sh", ["-c", "dpkg -i /var/tmp/sdboot/*.deb"]);
  } finally {
    rmSync(join(root, "var/tmp/sdboot"), { recursive: true, force: true });
  }
  // What `bootctl install` puts on an EFI system partition, but for the variables (each machine's own, set in its
  // provisioning boot) and the random seed: here /boot is still a folder, and bootctl refuses anything but a mounted
  // partition it can probe. The firmware finds systemd-boot on the removable-media path.
  const efi = join(root, "usr/lib/systemd/boot/efi/systemd-bootx64.efi");
  for (const to of ["boot/EFI/systemd/systemd-bootx64.efi", "boot/EFI/BOOT/BOOTX64.EFI"]) {
    mkdirSync(join(root, to, ".."), { recursive: true });
    copyFileSync(efi, join(root, to));
  }
  mkdirSync(join(root, "boot/loader/entries"), { recursive: true });
  writeFileSync(join(root, "boot/loader/loader.conf"), LOADER_CONF);
}

/** The distro's own entry, as systemd-boot would list it: `bootloader install` copies its options. */
function writeDefaultEntry(root: string, kver: string): void {
  mkdirSync(join(root, "boot/loader/entries"), { recursive: true });
  writeFileSync(
    join(root, `boot/loader/entries/debian-${kver}.conf`),
    // Booted by systemd-boot, the entries carry the lab's initrd shell as GRUB's do (qemu-argv adds it to -kernel).
    `title Debian GNU/Linux 12\nversion ${kver}\nlinux /vmlinuz-${kver}\ninitrd /initrd.img-${kver}\noptions ${BASE_OPTIONS}${LAB_BOOT === "systemd-boot" ? ` ${LAB_ARGS}` : ""}\n`,
  );
}

/**
 * What a direct boot of each node's entry takes: with BLS entries, exactly what they say; with GRUB, the newest
 * kernel with a guard initrd (as 45_clusterguard picks it) and the options GRUB's entry has besides root=UUID=.
 */
function bootSet(root: string, kver: string): BootSet {
  const options = {} as Record<Node, string>;
  let kernel = `vmlinuz-${kver}`;
  let initrd = basename(guardInitrd(root, kver));
  for (const n of NODES) {
    // As GRUB's entry has them (src/boot/grub.ts): the node, its arguments, what every entry gets.
    options[n] = `${BASE_OPTIONS} rd.clusterguard.node=${n} ${nodeArgs(n)} ${DEFAULT_ENTRY_ARGS}`;
    if (LAB_BOOT === "grub") continue;
    const e = readFileSync(join(root, `boot/loader/entries/clusterguard-${n}.conf`), "utf8");
    const get = (k: string) => new RegExp(`^${k}\\s+(.*)$`, "m").exec(e)?.[1]?.trim() ?? "";
    options[n] = get("options");
    kernel = get("linux");
    initrd = get("initrd");
  }
  copyFileSync(join(root, "boot", kernel), join(IMAGE, "vmlinuz"));
  copyFileSync(join(root, "boot", initrd), join(IMAGE, "initrd-clusterguard.img"));
  return {
    kernel: join(IMAGE, "vmlinuz"),
    initrd: join(IMAGE, "initrd-clusterguard.img"),
    kver,
    options,
    kind: INITRD_KIND,
    via: LAB_BOOT,
  };
}
