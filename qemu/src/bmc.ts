// The lab's BMCs: one OpenIPMI ipmi_sim per VM, reached over IPMI-over-LAN on an isolated management bridge, and
// attached to its VM through QEMU's ipmi-bmc-extern (a KCS interface in the guest). Each VM gets a management NIC on
// its own tap; the bridge carries the BMC addresses and nothing else (see "BMC" in qemu/README.md for how ipmi_sim
// and QEMU behave together).
import type { Subprocess } from "bun";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import type { Node } from "./paths.ts";

/** The management network: a bridge, one tap per VM, the BMC addresses on the bridge. */
export interface MgmtNet {
  bridge: string;
  /** Prefix length of the management subnet. */
  prefix: number;
  /**
   * The nftables table that keeps the bridge to itself (a forward drop; on input only the BMCs' UDP port, ICMP, and
   * the replies to connections the host opened, such as the lab's forward to the ACTIVE's web console).
   */
  nftTable: string;
  bmcs: BmcSpec[];
}

/** One VM's BMC and the VM's side of the management network. */
export interface BmcSpec {
  node: Node;
  /** The BMC's address on the bridge (ipmi_sim binds it). */
  address: string;
  /** IPMI-over-LAN UDP port. */
  lanPort: number;
  /** TCP port on 127.0.0.1 where ipmi_sim listens for the VM's ipmi-bmc-extern (codec VM). */
  vmPort: number;
  /** The VM's tap on the bridge and its management NIC's MAC. */
  tap: string;
  mac: string;
  /** The VM's own address on the management network (its fencing_address), address/prefix. */
  vmAddress: string;
}

export const BMC_USER = "fence";

/** The lab's layout: each VM's BMC is reachable by the other VM (and by the host) on 192.168.77.0/24. */
export const LAB_MGMT: MgmtNet = {
  bridge: "cgmgmt0",
  prefix: 24,
  nftTable: "cgmgmt",
  bmcs: [
    {
      node: "a",
      address: "192.168.77.11",
      lanPort: 623,
      vmPort: 17631,
      tap: "cgmgmt-a",
      mac: "52:54:00:c6:77:01",
      vmAddress: "192.168.77.1/24",
    },
    {
      node: "b",
      address: "192.168.77.12",
      lanPort: 623,
      vmPort: 17632,
      tap: "cgmgmt-b",
      mac: "52:54:00:c6:77:02",
      vmAddress: "192.168.77.2/24",
    },
  ],
};

/** QEMU's pieces for one VM: the BMC on its KCS interface, and the management NIC on its tap. */
export function bmcQemuArgs(b: BmcSpec): string[] {
  return [
    "-chardev",
    `socket,id=ipmi0,host=127.0.0.1,port=${b.vmPort},reconnect=1`,
    "-device",
    "ipmi-bmc-extern,id=bmc0,chardev=ipmi0",
    "-device",
    "isa-ipmi-kcs,bmc=bmc0",
    "-netdev",
    `tap,id=mgmt,ifname=${b.tap},script=no,downscript=no`,
    "-device",
    `virtio-net-pci,netdev=mgmt,mac=${b.mac}`,
  ];
}

/**
 * ipmi_sim's lan.conf. The serial line with codec VM is what gives ipmi_sim power control over a QEMU: power off
 * is sent to QEMU over it (QEMU exits 0), and while QEMU is connected the chassis power is on. `startcmd` runs on
 * power on; it may start QEMU itself or ask another process to.
 */
export function bmcLanConf(
  b: Pick<BmcSpec, "node" | "address" | "lanPort" | "vmPort">,
  password: string,
  startcmd: string,
  poweredOn: boolean,
): string {
  const auths = "none md2 md5 straight";
  if (/["\n]/.test(startcmd) || /["\n]/.test(password)) throw new Error("startcmd and password: no quotes or newlines");
  return `name "cgbmc-${b.node}"
set_working_mc 0x20
  startlan 1
    addr ${b.address} ${b.lanPort}
    priv_limit admin
    allowed_auths_callback ${auths}
    allowed_auths_user ${auths}
    allowed_auths_operator ${auths}
    allowed_auths_admin ${auths}
    guid a123456789abcdefa12345678900000${b.node === "a" ? "1" : "2"}
  endlan
  serial 15 127.0.0.1 ${b.vmPort} codec VM
  startcmd "${startcmd}"
  startnow ${poweredOn ? "true" : "false"}
  poweroff_wait 5
  kill_wait 2
  user 2 true "${BMC_USER}" "${password}" admin 10 ${auths}
`;
}

/** The emulator commands: the BMC itself and nothing else. */
export const BMC_EMU = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
`;

async function ip(...args: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await execa("ip", args, { reject: false, all: true });
  return { ok: r.exitCode === 0, out: r.all ?? "" };
}

async function must(...args: string[]): Promise<void> {
  const r = await ip(...args);
  if (!r.ok) throw new Error(`ip ${args.join(" ")} failed: ${r.out}`);
}

const linkExists = async (dev: string) => (await ip("link", "show", "dev", dev)).ok;

/** True when `nft` can run here (Debian package nftables). */
export async function haveNft(): Promise<boolean> {
  return (await execa("nft", ["--version"], { reject: false })).exitCode === 0;
}

/**
 * The nftables table: nothing is forwarded to or from the bridge; from it, the host accepts only ICMP, IPMI to the
 * BMCs, and replies on connections the host itself opened (established or related: a VM can open none to the host).
 */
export function nftRuleset(net: MgmtNet): string {
  const br = JSON.stringify(net.bridge);
  const bmcs = net.bmcs.map((b) => `${b.address} . ${b.lanPort}`).join(", ");
  return `table inet ${net.nftTable} {
  chain forward {
    type filter hook forward priority 0; policy accept;
    iifname ${br} drop
    oifname ${br} drop
  }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname ${br} ct state established,related accept
    iifname ${br} ip daddr . udp dport { ${bmcs} } accept
    iifname ${br} meta l4proto icmp accept
    iifname ${br} drop
  }
}
`;
}

/**
 * Set up the bridge (with the BMC addresses), one tap per VM (isolated bridge ports: the VMs reach the BMCs, not
 * each other) and, when nft is there, the nftables table. Idempotent: what exists is kept, what is missing added.
 * Returns what it did, one line each.
 */
export async function mgmtUp(net: MgmtNet): Promise<string[]> {
  const did: string[] = [];
  if (!(await linkExists(net.bridge))) {
    await must("link", "add", net.bridge, "type", "bridge");
    did.push(`bridge ${net.bridge} added`);
  }
  const have = (await ip("-o", "-4", "addr", "show", "dev", net.bridge)).out;
  for (const b of net.bmcs) {
    if (!new RegExp(`inet ${b.address.replaceAll(".", "\\.")}/`).test(have)) {
      await must("addr", "add", `${b.address}/${net.prefix}`, "dev", net.bridge);
      did.push(`${b.address}/${net.prefix} on ${net.bridge}`);
    }
  }
  await must("link", "set", net.bridge, "up");
  for (const b of net.bmcs) {
    if (!(await linkExists(b.tap))) {
      await must("tuntap", "add", "dev", b.tap, "mode", "tap");
      did.push(`tap ${b.tap} added`);
    }
    await must("link", "set", b.tap, "master", net.bridge);
    await must("link", "set", "dev", b.tap, "type", "bridge_slave", "isolated", "on");
    await must("link", "set", b.tap, "up");
  }
  if (await haveNft()) {
    await execa("nft", ["delete", "table", "inet", net.nftTable], { reject: false });
    const r = await execa("nft", ["-f", "-"], { input: nftRuleset(net), reject: false, all: true });
    if (r.exitCode !== 0) throw new Error(`nft -f (table ${net.nftTable}) failed: ${r.all}`);
  } else did.push("nft not installed: no nftables table (ip_forward decides forwarding)");
  return did;
}

/** Remove the taps, the bridge and the nftables table; what is already gone is fine. Never throws. */
export async function mgmtDown(net: MgmtNet): Promise<string[]> {
  const left: string[] = [];
  for (const dev of [...net.bmcs.map((b) => b.tap), net.bridge]) {
    if (await linkExists(dev)) {
      const r = await ip("link", "del", dev);
      if (!r.ok) left.push(`${dev}: ${r.out}`);
    }
  }
  await execa("nft", ["delete", "table", "inet", net.nftTable], { reject: false });
  return left;
}

export interface Bmc {
  spec: BmcSpec;
  /** ipmi_sim's pid. */
  pid: number;
  /** Mode 0600, the BMC user's password. */
  passwordFile: string;
  /** ipmitool's arguments up to the command, for this BMC over lanplus (cipher suite 3). */
  ipmitool(): string[];
  log(): string;
  /** Kill ipmi_sim (not the VM: a power-off of the BMC leaves the machine as it is). */
  stop(): Promise<void>;
}

export interface BmcOptions {
  /** Where its config, state, password and log go (created). */
  dir: string;
  /** Run on power on (a shell command line). */
  startcmd: string;
  password: string;
  /** Power on at ipmi_sim's start (startnow). */
  poweredOn: boolean;
  /** Wait this long for an answer over LAN (default 10 s). */
  readyMs?: number;
}

/** Start one ipmi_sim and wait until it answers `chassis power status` on its LAN address. */
export async function startBmc(b: BmcSpec, o: BmcOptions): Promise<Bmc> {
  mkdirSync(join(o.dir, "state"), { recursive: true });
  const passwordFile = join(o.dir, "password");
  writeFileSync(passwordFile, `${o.password}\n`, { mode: 0o600 });
  writeFileSync(join(o.dir, "lan.conf"), bmcLanConf(b, o.password, o.startcmd, o.poweredOn));
  writeFileSync(join(o.dir, "sim.emu"), BMC_EMU);
  const logFile = join(o.dir, "ipmi_sim.log");
  const conf = ["-c", join(o.dir, "lan.conf"), "-f", join(o.dir, "sim.emu"), "-s", join(o.dir, "state")];
  const fd = openSync(logFile, "a");
  const proc: Subprocess = Bun.spawn(["ipmi_sim", "-n", ...conf], { stdin: "ignore", stdout: fd, stderr: fd });
  closeSync(fd);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const ipmitool = () => [
    ...["-I", "lanplus", "-C", "3", "-H", b.address, "-p", String(b.lanPort)],
    ...["-U", BMC_USER, "-f", passwordFile],
  ];
  const stop = async () => {
    proc.kill("SIGKILL");
    await proc.exited;
  };
  const bmc: Bmc = { spec: b, pid: proc.pid, passwordFile, ipmitool, log, stop };
  const end = Date.now() + (o.readyMs ?? 10_000);
  for (;;) {
    const r = await execa("ipmitool", [...ipmitool(), "chassis", "power", "status"], { reject: false, timeout: 5000 });
    if (r.exitCode === 0 && /Chassis Power is/.test(r.stdout)) return bmc;
    if (proc.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`ipmi_sim for ${b.node} did not answer on ${b.address}:${b.lanPort}: ${r.stderr}\n${log()}`);
    }
    await Bun.sleep(100);
  }
}
