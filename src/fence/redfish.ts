// Fence through a Redfish BMC: ComputerSystem.Reset ForceOff, confirm PowerState Off by polling, then (reset) On.
import type { FenceAction, FenceAgent, FenceOutcome, PowerState } from "./agent.ts";
import { awaitOff } from "./await-off.ts";
import { openSession, type RedfishSession, redfishCall } from "./redfish-http.ts";
import { powerOf, resetPath, systemPath } from "./redfish-system.ts";

/** [[fencing.agent]] type = "redfish", plus the poll interval (tests). */
export interface RedfishOptions {
  url: string;
  user: string;
  passwordFile: string;
  system: string;
  insecure: boolean;
  pollMs?: number;
}

/** Confirmed only once the system resource reads PowerState "Off". */
export class RedfishFenceAgent implements FenceAgent {
  readonly name = "redfish";
  constructor(private readonly o: RedfishOptions) {}

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const s = await this.session();
    if (typeof s === "string") return { confirmed: false, detail: s };
    const sys = await redfishCall(s, "GET", systemPath(this.o.system), signal);
    if (!sys.ok) return { confirmed: false, detail: sys.detail };
    const reset = resetPath(sys.body, this.o.system, s.base);
    if (powerOf(sys.body).power !== "off") {
      const off = await redfishCall(s, "POST", reset, signal, { ResetType: "ForceOff" });
      // A BMC may refuse ForceOff for a system already going off (as IPMI's agent allows): read PowerState again.
      if (!off.ok) {
        const now = await this.read(s, signal);
        if (now.power !== "off") return { confirmed: false, detail: `${off.detail}; PowerState afterwards: ${now.power} (${now.detail})` };
      }
    }
    const seen = await awaitOff((sig) => this.read(s, sig), this.o.pollMs ?? 500, signal);
    if (!seen.off) return { confirmed: false, detail: `ForceOff sent to ${reset}, ${seen.detail}` };
    const confirmed = `system ${this.o.system}: ${seen.detail} (confirmed after ${seen.polls} polls)`;
    if (action === "off") return { confirmed: true, detail: confirmed };
    const on = await redfishCall(s, "POST", reset, signal, { ResetType: "On" });
    return { confirmed: true, detail: `${confirmed}; ${on.ok ? "On sent" : `On failed: ${on.detail}`}` };
  }

  /** GET Systems/<id> and read PowerState; no answer is unknown. */
  async status(_target: string, signal: AbortSignal): Promise<PowerState> {
    const s = await this.session();
    return typeof s === "string" ? { power: "unknown", detail: s } : this.read(s, signal);
  }

  private session(): Promise<RedfishSession | string> {
    return openSession(this.o.url, this.o.user, this.o.passwordFile, this.o.insecure);
  }

  private async read(s: RedfishSession, signal: AbortSignal): Promise<PowerState> {
    const r = await redfishCall(s, "GET", systemPath(this.o.system), signal);
    return r.ok ? powerOf(r.body) : { power: "unknown", detail: r.detail };
  }
}
