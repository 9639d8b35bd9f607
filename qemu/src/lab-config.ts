// The lab cluster: timers sized for TCG jitter, addresses of the crossover link, each node's kernel arguments.
import { join } from "node:path";
import { BMC_USER, LAB_MGMT } from "./bmc.ts";
import { IMAGE, LAB_BMCS, LAB_BOOT, LAB_FENCE, type Node } from "./paths.ts";

/** TCG on 2 shared cores stalls vCPUs for up to ~2 s: deadtime 5 s keeps false failovers away. */
export const LAB_TIMERS = { keepalive: 200, warntime: 1500, deadtime: 5000, initdead: 15000, handoff_grace: 15000 };

export const ADDRESS: Record<Node, string> = { a: "192.168.100.1", b: "192.168.100.2" };

/** The kernel arguments `bootloader install --args` adds for each node (identity comes from the boot entry). */
export function nodeArgs(n: Node): string {
  return `rd.clusterguard.address=${ADDRESS[n]}/24 rd.clusterguard.interface=eth0`;
}

/** The kernel arguments every lab boot has besides the root: serial console, stable NIC names, reboot on panic. */
const CONSOLE_OPTIONS = "console=ttyS0,115200 net.ifnames=0 panic=5 systemd.show_status=1";

/** Arguments of the lab's default (distro) entry: the console options and the shared root by label. */
export const BASE_OPTIONS = `root=LABEL=cgroot rw ${CONSOLE_OPTIONS}`;

/** What the lab's "hardware" adds to every boot: the initrd shell on hvc0 (qemu/files/debug-shell-hvc0.conf). */
export const LAB_ARGS = "rd.systemd.debug_shell";

/** Each VM's SMBIOS identity (QEMU -smbios type=1): what GRUB and the guard tell the two machines apart by. */
export const MACHINE: Record<Node, { uuid: string; serial: string }> = {
  a: { uuid: "6c61622d-6e6f-4465-8100-00000000000a", serial: "CGLAB-A" },
  b: { uuid: "6c61622d-6e6f-4465-8100-00000000000b", serial: "CGLAB-B" },
};

/**
 * The serial heartbeat port. OVMF makes COM1 and COM2 consoles of the firmware, so with systemd-boot the cable is on
 * COM4: on COM2 the peer's frames and firmware text were typed into the other machine's firmware and boot menu, and
 * the guard refuses a port the firmware reads as its console (src/sys/firmware-console.ts).
 */
export const HEARTBEAT_TTY = LAB_BOOT === "systemd-boot" ? "/dev/ttyS3" : "/dev/ttyS1";

/** QEMU's -smbios for machine n: its identity as its firmware gives it. */
export const smbiosArg = (n: Node) => `type=1,uuid=${MACHINE[n].uuid},serial=${MACHINE[n].serial}`;

/**
 * /etc/default/grub in the image (CG_LAB_BOOT=grub): the menu on the serial console (so the lab logs which entry each
 * machine chose), a one-second timeout, and the arguments every entry gets; grub-mkconfig adds root=UUID=.
 */
export const GRUB_DEFAULTS = `# The two-VM lab (qemu/src/lab-config.ts)
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR="Debian"
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="${CONSOLE_OPTIONS} ${LAB_ARGS}"
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_OS_PROBER=true
`;

/**
 * fstab lines the image layer adds: the shared disk's other file systems (qemu/image/make-disk.sh), which a planned
 * switchover must make unwritable too. nofail: a boot never stops at them; the switchover scenario checks they were there.
 * With systemd-boot the EFI system partition is /boot itself (kernels, initrds and entries where systemd-boot reads
 * them); otherwise it is /boot/efi.
 */
export const LAB_FSTAB = `LABEL=cglab\t/var/lib/lab\text4\tdefaults,nofail\t0\t2\nLABEL=CGEFI\t${LAB_BOOT === "systemd-boot" ? "/boot" : "/boot/efi"}\tvfat\tdefaults,nofail\t0\t0\n`;

/**
 * The shared loader.conf before `bootloader install` (CG_LAB_BOOT=systemd-boot): a 3 s menu on the serial console.
 * install turns the timeout into `menu-force` for a machine without its own default, and each machine's provisioning
 * boot gets the 3 s back as its own (LoaderConfigTimeout).
 */
export const LOADER_CONF = "timeout 3\nconsole-mode keep\n";
/** Where the image keeps the password of node n's BMC (mode 0600; the guard initrd gets a copy). */
export const bmcPasswordPath = (n: Node) => `/etc/clusterguard/bmc-${n}.pw`;

/**
 * The web console. One config serves both nodes and only the ACTIVE runs an agent, so the agent listens on every
 * address of the ACTIVE at `port`; the host reaches it at the ACTIVE's management address (the lab daemon's forward
 * on 127.0.0.1:`hostPort`, qemu/src/web-forward.ts). The token, certificate and key are made at image build: in the
 * image at these paths, and beside the image (mgmt.token, web-cert.pem) for the host's browser.
 */
export const LAB_WEB = {
  port: 7443,
  hostPort: Number(process.env.CG_LAB_WEB_PORT ?? 17443),
  token: "/etc/clusterguard/mgmt.token",
  cert: "/etc/clusterguard/web-cert.pem",
  key: "/etc/clusterguard/web-key.pem",
};

/** The console's address on the host (through the forward), and the file holding its login token. */
export const labWebUrl = () => `https://127.0.0.1:${LAB_WEB.hostPort}/`;
export const labWebTokenFile = () => join(IMAGE, "mgmt.token");

/** Each node's BMC (its own level, targeted), as a real pair's config names them; or the lab's QMP power switch. */
function firstFenceLevels(): string {
  if (LAB_FENCE === "qmp")
    return `[[fencing.level]]
type = "qmp"
device = "/dev/virtio-ports/fence.peer"
action = "reset"
`;
  return LAB_MGMT.bmcs
    .map(
      (b) => `[[fencing.level]]
type = "ipmi"
target = "${b.node}"
host = "${b.address}"
port = ${b.lanPort}
user = "${BMC_USER}"
password_file = "${bmcPasswordPath(b.node)}"
cipher_suite = 3
`,
    )
    .join("\n");
}

/** Each node's address on the management network and its NIC there, found by MAC (qemu/src/bmc.ts). */
function fencingNic(n: Node): string {
  if (!LAB_BMCS) return "";
  const b = LAB_MGMT.bmcs.find((x) => x.node === n)!;
  return `fencing_address = "${b.vmAddress}"\nfencing_mac = "${b.mac}"\n`;
}

const PILL_LEVEL = `# Second level: the poison pill in the peer's slot on /dev/vdb; each VM pets its i6300esb while its slot reads clean.
# TCG stalls vCPUs for up to ~2 s, hence a 10 s watchdog and msgwait = 2 x 10 s.
[[fencing.level]]
type = "poison-pill"
msgwait = 20000
watchdog_device = "/dev/watchdog"
watchdog_timeout = 10

`;

/** /etc/clusterguard/clusterguard.toml inside the shared image. */
export function clusterToml(): string {
  const t = LAB_TIMERS;
  return `# The two-VM lab: nodes a and b boot this one image from /dev/vda; the heartbeat area is /dev/vdb.
[cluster]
name = "lab"

[[node]]
name = "a"
priority = 200
address = "${ADDRESS.a}"
disk_slot = 0
machine_uuid = "${MACHINE.a.uuid}"
${fencingNic("a")}
[[node]]
name = "b"
priority = 100
address = "${ADDRESS.b}"
disk_slot = 1
machine_uuid = "${MACHINE.b.uuid}"
${fencingNic("b")}
[timers]
keepalive = ${t.keepalive}
warntime = ${t.warntime}
deadtime = ${t.deadtime}
initdead = ${t.initdead}
handoff_grace = ${t.handoff_grace}

[management]
token_file = "${LAB_WEB.token}"

# The web console, on the ACTIVE only (the host reaches it through the lab's forward: qemu/lab up prints the URL).
[web]
listen = "0.0.0.0:${LAB_WEB.port}"
tls_cert = "${LAB_WEB.cert}"
tls_key = "${LAB_WEB.key}"

[channels.serial]
device = "${HEARTBEAT_TTY}"
baud = 115200

[channels.udp]
port = 694

[channels.disk]
enabled = true
device = "/dev/vdb"
offset = 0

[fencing]
delay = 5000
timeout = 10000   # per level; the poison pill always gets msgwait + 5 s

${firstFenceLevels()}
${LAB_FENCE === "ipmi-only" ? "" : PILL_LEVEL}# The workload is watched by a monitor in the agent on the ACTIVE node: one restart in place per 10 minutes, then failover.
# Under TCG a systemctl run right after boot took more than 1.5 s: a generous timeout, and two failures in a row
# before acting, so a slow check never counts as a dead service.
[[monitor]]
name = "workload"
plugin = "systemd"
interval = 5000
timeout = 4000
rise = 1
fall = 2
max_restarts = 1
restart_window = 600000
on_fail = "restart"
params = { unit = "workload.service" }
`;
}
