// A real BMC for the tests: OpenIPMI's ipmi_sim (Debian package openipmi) serving IPMI over LAN (1.5 and 2.0) on a
// chosen address and UDP port. Its "machine" is a `sleep` that power on starts and power off kills (startcmd), so
// the chassis power the BMC reports is whether that process lives. The system interface (channel 15, codec VM) is
// what gives ipmi_sim power control at all; nothing connects to it here (a QEMU ipmi-bmc-extern would).
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface IpmiSim {
  host: string;
  port: number;
  user: string;
  /** Mode 0600, holding the right password. */
  passwordFile: string;
  /** Mode 0600, holding a wrong one. */
  wrongPasswordFile: string;
  /** The machine's pid (ipmi_sim's child running the startcmd), or null when it is powered off. */
  machine(): number | null;
  /** ipmi_sim's own log (stdout and stderr). */
  log(): string;
  stop(): void;
}

export interface IpmiSimOptions {
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** UDP port (default: a free one). */
  port?: number;
  /** Start ipmi_sim in this network namespace (ip netns exec). */
  netns?: string;
  /** Power the machine on at start (startnow). */
  poweredOn?: boolean;
}

export const SIM_USER = "fence";
const SIM_PASSWORD = "s3cret-bmc";

/** Why ipmi_sim or ipmitool cannot run here, or null when both can. */
export function ipmiSimUnavailable(): string | null {
  for (const [bin, pkg] of [
    ["ipmi_sim", "openipmi"],
    ["ipmitool", "ipmitool"],
  ] as const) {
    const r = spawnSync(bin, bin === "ipmi_sim" ? ["-v"] : ["-V"], { encoding: "utf8" });
    if (r.error)
      return `${bin} cannot run (${(r.error as NodeJS.ErrnoException).code}): bash test/install-host-deps.sh ${pkg}`;
  }
  return null;
}

/** A UDP port nobody listens on right now. */
export async function freeUdpPort(host = "127.0.0.1"): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, host, resolve));
  const port = s.address().port;
  s.close();
  return port;
}

async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const addr = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  if (addr === null || typeof addr === "string") throw new Error("no TCP port");
  return addr.port;
}

/** The lan.conf: one BMC at 0x20, a LAN channel on host:port, an admin user, the machine as its startcmd. */
export function lanConf(o: {
  host: string;
  port: number;
  vmPort: number;
  startcmd: string;
  poweredOn: boolean;
}): string {
  const auths = "none md2 md5 straight";
  return `name "cgsim"
set_working_mc 0x20
  startlan 1
    addr ${o.host} ${o.port}
    priv_limit admin
    allowed_auths_callback ${auths}
    allowed_auths_user ${auths}
    allowed_auths_operator ${auths}
    allowed_auths_admin ${auths}
    guid a123456789abcdefa123456789abcdef
  endlan
  serial 15 127.0.0.1 ${o.vmPort} codec VM
  startcmd "${o.startcmd}"
  startnow ${o.poweredOn ? "true" : "false"}
  poweroff_wait 5
  kill_wait 2
  user 2 true "${SIM_USER}" "${SIM_PASSWORD}" admin 10 ${auths}
`;
}

/** The emulator commands: the BMC itself and nothing else. */
export const SIM_EMU = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
`;

/** Start ipmi_sim and wait until it answers `chassis power status` over lanplus. */
export async function startIpmiSim(o: IpmiSimOptions = {}): Promise<IpmiSim> {
  const host = o.host ?? "127.0.0.1";
  const port = o.port ?? (o.netns ? 623 : await freeUdpPort(host));
  const dir = mkdtempSync(join(tmpdir(), "cg-ipmisim-"));
  mkdirSync(join(dir, "state"));
  const passwordFile = join(dir, "password");
  const wrongPasswordFile = join(dir, "wrong-password");
  writeFileSync(passwordFile, `${SIM_PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(wrongPasswordFile, "not-the-password\n", { mode: 0o600 });
  const conf = lanConf({ host, port, vmPort: await freeTcpPort(), startcmd: "sleep 100000", poweredOn: !!o.poweredOn });
  writeFileSync(join(dir, "lan.conf"), conf);
  writeFileSync(join(dir, "sim.emu"), SIM_EMU);
  const logFile = join(dir, "sim.log");
  const argv = ["ipmi_sim", "-n", "-c", join(dir, "lan.conf"), "-f", join(dir, "sim.emu"), "-s", join(dir, "state")];
  const cmd = o.netns ? ["ip", "netns", "exec", o.netns, ...argv] : argv;
  const out = Bun.file(logFile).writer();
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d: Buffer) => out.write(d));
  child.stderr.on("data", (d: Buffer) => out.write(d));
  const simPid = child.pid ?? 0;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const machine = (): number | null => {
    // `ip netns exec` execs ipmi_sim, so simPid is ipmi_sim itself either way.
    const r = spawnSync("pgrep", ["-P", String(simPid), "-x", "sleep"], { encoding: "utf8" });
    const pid = Number(r.stdout.trim().split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  };
  const stop = () => {
    const m = machine();
    if (m !== null) spawnSync("kill", ["-KILL", String(m)]);
    child.kill("SIGKILL");
    void out.end();
    rmSync(dir, { recursive: true, force: true });
  };
  const sim: IpmiSim = { host, port, user: SIM_USER, passwordFile, wrongPasswordFile, machine, log, stop };
  const ask = [
    ...(o.netns ? ["ip", "netns", "exec", o.netns] : []),
    ...["ipmitool", "-I", "lanplus", "-C", "3", "-H", host, "-p", String(port), "-U", SIM_USER, "-f", passwordFile],
    ...["chassis", "power", "status"],
  ];
  const end = Date.now() + 10_000;
  for (;;) {
    const r = spawnSync(ask[0]!, ask.slice(1), { encoding: "utf8", timeout: 5000 });
    if (r.status === 0 && /Chassis Power is/.test(r.stdout)) break;
    if (child.exitCode !== null || Date.now() > end) {
      stop();
      throw new Error(`ipmi_sim did not answer on ${host}:${port}: ${r.stderr}\n--- ipmi_sim:\n${log()}`);
    }
    await Bun.sleep(100);
  }
  return sim;
}
