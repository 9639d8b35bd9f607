// Fence through a BMC with ipmitool, like Pacemaker's fence_ipmilan: power off, confirm off by polling, then (reset) power on.
import type { FenceAction, FenceAgent, FenceOutcome, PowerState } from "./agent.ts";
import { awaitOff } from "./await-off.ts";
import { type IpmiTarget, ipmitool } from "./ipmitool.ts";

/** [[fencing.agent]] type = "ipmi", plus the ipmitool path and poll interval (tests). */
export interface IpmiOptions extends Omit<IpmiTarget, "bin"> {
  bin?: string;
  pollMs?: number;
}

/** Confirmed only once `chassis power status` reads "Chassis Power is off". */
export class IpmiFenceAgent implements FenceAgent {
  readonly name = "ipmi";
  private readonly t: IpmiTarget;
  private readonly pollMs: number;

  constructor(o: IpmiOptions) {
    this.t = { bin: o.bin ?? "ipmitool", host: o.host, user: o.user, passwordFile: o.passwordFile, interface: o.interface };
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
