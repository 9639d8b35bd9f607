// Fence through a BMC with ipmitool, like Pacemaker's fence_ipmilan: power off, confirm off by polling, then (reset) power on.
// The device first, then the runner of one bounded ipmitool call.

import { execa } from "execa";
import { readSecretOrWhy, runningUid } from "../config/index.ts";
import type { FenceAction, FenceDevice, FenceOutcome, PowerState } from "./device.ts";
import { awaitOff } from "./device.ts";

/** [[fencing.level]] type = "ipmi", plus the ipmitool path and poll interval (tests). */
export interface IpmiOptions extends Omit<IpmiTarget, "bin" | "port"> {
  bin?: string;
  /** Default 623. */
  port?: number;
  pollMs?: number;
}

/** Confirmed only once `chassis power status` reads "Chassis Power is off". */
export class IpmiFence implements FenceDevice {
  readonly name = "ipmi";
  private readonly t: IpmiTarget;
  private readonly pollMs: number;

  constructor(o: IpmiOptions) {
    this.t = {
      bin: o.bin ?? "ipmitool",
      host: o.host,
      user: o.user,
      passwordFile: o.passwordFile,
      interface: o.interface,
      port: o.port ?? IPMI_PORT,
      ...(o.cipherSuite === undefined ? {} : { cipherSuite: o.cipherSuite }),
    };
    this.pollMs = o.pollMs ?? 1000;
  }

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const off = await ipmitool(this.t, "off", signal);
    // Some BMCs refuse "power off" on a chassis that is already off: that is still a confirmed off if status says so.
    if (!off.ok && (await this.status("", signal)).power !== "off") return { confirmed: false, detail: off.detail };
    const seen = await awaitOff((s) => this.status("", s), this.pollMs, signal);
    if (!seen.off) return { confirmed: false, detail: `${this.t.host}: power off sent, ${seen.detail}` };
    const confirmed = `${this.t.host}: ${seen.detail} (confirmed after ${seen.polls} status polls)`;
    if (action === "off") return { confirmed: true, detail: confirmed };
    const on = await ipmitool(this.t, "on", signal);
    return { confirmed: true, detail: `${confirmed}; ${on.ok ? "power on sent" : `power on failed: ${on.detail}`}` };
  }

  /** `chassis power status`: "Chassis Power is on|off"; anything else (or no answer) is unknown. */
  async status(_target: string, signal: AbortSignal): Promise<PowerState> {
    const r = await ipmitool(this.t, "status", signal);
    if (!r.ok) return { power: "unknown", detail: r.detail };
    const m = /Chassis Power is (on|off)/i.exec(r.stdout);
    if (!m) return { power: "unknown", detail: `unexpected ipmitool output: ${r.stdout.trim().slice(0, 200)}` };
    return { power: m[1]!.toLowerCase() as "on" | "off", detail: `Chassis Power is ${m[1]!.toLowerCase()}` };
  }
}

// Run one `ipmitool chassis power <cmd>` against a BMC: password from a file (-f), never on argv; bounded by a signal.

/** IPMI over LAN's UDP port (RMCP). */
export const IPMI_PORT = 623;

/** How to reach the BMC. */
export interface IpmiTarget {
  /** ipmitool executable (a path or a name on PATH). */
  bin: string;
  host: string;
  user: string;
  passwordFile: string;
  interface: "lan" | "lanplus";
  /** The BMC's UDP port (623 is IPMI's). */
  port: number;
  /** ipmitool -C: the IPMI 2.0 cipher suite; unset, ipmitool asks the BMC for the best one. */
  cipherSuite?: number;
}

/** ipmitool's stdout, or one line saying why the call failed. */
export type IpmiResult = { ok: true; stdout: string } | { ok: false; detail: string };

/** A hung ipmitool gets SIGTERM when the signal aborts, then SIGKILL this much later. */
const KILL_AFTER_MS = 1000;

/** The exact argv for `chassis power <cmd>`. */
export function ipmitoolArgs(t: IpmiTarget, cmd: "on" | "off" | "status"): string[] {
  const cipher = t.cipherSuite === undefined ? [] : ["-C", String(t.cipherSuite)];
  const where = ["-H", t.host, "-p", String(t.port)];
  return ["-I", t.interface, ...cipher, ...where, "-U", t.user, "-f", t.passwordFile, "chassis", "power", cmd];
}

/** Run `chassis power <cmd>`; never rejects: failures come back as one line saying what went wrong. */
export async function ipmitool(t: IpmiTarget, cmd: "on" | "off" | "status", signal: AbortSignal): Promise<IpmiResult> {
  const what = `ipmitool chassis power ${cmd} (${t.host})`;
  if (signal.aborted) return { ok: false, detail: `${what} not run: the fence time ran out` };
  // ipmitool reads the file itself (-f): it must pass the secret-file rules first.
  const secret = readSecretOrWhy(t.passwordFile, {
    requireUid: runningUid(),
    holding: "the BMC password",
    configKey: "password_file",
  });
  if ("why" in secret) return { ok: false, detail: `${what} not run: password_file refused: ${secret.why}` };
  const r = await execa(t.bin, ipmitoolArgs(t, cmd), {
    reject: false,
    stdin: "ignore",
    cancelSignal: signal,
    forceKillAfterDelay: KILL_AFTER_MS,
  });
  if (r.isCanceled) return { ok: false, detail: `${what} timed out: killed when the fence time ran out` };
  if (r.code === "ENOENT" || r.code === "EACCES")
    return { ok: false, detail: `ipmitool not found or not executable at ${t.bin} (${r.code}); install ipmitool` };
  if (r.exitCode !== 0) {
    const why = oneLine(withoutNoise(r.stderr)) || oneLine(r.stdout) || r.shortMessage || "no message";
    return { ok: false, detail: `${what} failed (${r.signal ?? `exit ${r.exitCode}`}): ${why}` };
  }
  return { ok: true, stdout: r.stdout };
}

/** ipmitool's stderr without the lines that never explain a failure (the initrd has no IANA enterprise-numbers file). */
function withoutNoise(s: unknown): string {
  const text = typeof s === "string" ? s : "";
  return text
    .split("\n")
    .filter((l) => !/^IANA PEN registry open failed/.test(l))
    .join("\n");
}

/** ipmitool's message, trimmed to one line of at most 300 characters. */
function oneLine(s: unknown): string {
  const text = typeof s === "string" ? s : "";
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join("; ")
    .slice(0, 300);
}
