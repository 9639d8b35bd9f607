// A real BMC for the tests: OpenIPMI's ipmi_sim (Debian package openipmi) serving IPMI over LAN (1.5 and 2.0) on a
// chosen address and UDP port. Its "machine" is a `sleep` that power on starts and power off kills (startcmd), so
// the chassis power the BMC reports is whether that process lives. The system interface (channel 15, codec VM) is
// what gives ipmi_sim power control at all; nothing connects to it here (a QEMU ipmi-bmc-extern would). Its lan.conf
// is the lab's own (qemu/src/bmc.ts bmcLanConf), so the tests and the lab run one BMC configuration.
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BMC_EMU, BMC_USER, bmcLanConf } from "../../qemu/src/bmc.ts";

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

export const SIM_USER = BMC_USER;
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

/**
 * A pair whose initrds reach an ipmi BMC over the fencing network (password in /etc/clusterguard/bmc.pw); a test may
 * append keys to that last [[fencing.level]] table, and further levels.
 */
export const BMC_PAIR_CONFIG = `[cluster]
name = "pair"

[[node]]
name = "a"
address = "192.168.100.1"
fencing_address = "192.168.77.1/24"

[[node]]
name = "b"
address = "192.168.100.2"
fencing_address = "192.168.77.2/24"

[fencing.network]
interface = "eth2"

[[fencing.level]]
type = "ipmi"
host = "192.168.77.12"
user = "fence"
password_file = "/etc/clusterguard/bmc.pw"
`;

/** A TCP port on 127.0.0.1 nothing listens on now. */
export async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const addr = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  if (addr === null || typeof addr === "string") throw new Error("no TCP port");
  return addr.port;
}

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
  const bmc = { node: "a" as const, address: host, lanPort: port, vmPort: await freeTcpPort() };
  const conf = bmcLanConf(bmc, SIM_PASSWORD, "sleep 100000", !!o.poweredOn);
  writeFileSync(join(dir, "lan.conf"), conf);
  writeFileSync(join(dir, "sim.emu"), BMC_EMU);
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
