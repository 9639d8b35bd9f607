// Fence through a QEMU power device: QMP system_reset or quit over a char device (a virtio-serial port in the lab).
import type { FenceAction, FenceAgent, FenceOutcome, PowerState } from "./agent.ts";
import { qmpExchange } from "./qmp-session.ts";

/** Confirmed only by QMP's own reply to the command (or the RESET/SHUTDOWN event it causes). */
export class QmpFenceAgent implements FenceAgent {
  readonly name = "qmp";
  constructor(private readonly o: { device: string; action: FenceAction }) {}

  async fence(_target: string, action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const command = this.o.action === "off" || action === "off" ? "quit" : "system_reset";
    const r = await qmpExchange(this.o.device, command, signal, (m) => m.event === "RESET" || m.event === "SHUTDOWN");
    if (!r.ok) return { confirmed: false, detail: r.detail };
    if ("error" in r.reply) return { confirmed: false, detail: `${command} refused: ${JSON.stringify(r.reply.error)}` };
    return { confirmed: true, detail: `${command} confirmed by QMP (${"event" in r.reply ? String(r.reply.event) : "return"})` };
  }

  /** query-status: a running or paused VM is "on" (a paused one still holds the disk); no answer is "unknown". */
  async status(_target: string, signal: AbortSignal): Promise<PowerState> {
    const r = await qmpExchange(this.o.device, "query-status", signal);
    if (!r.ok) return { power: "unknown", detail: r.detail };
    const ret = r.reply.return as { status?: string } | undefined;
    if (!ret?.status) return { power: "unknown", detail: `query-status: ${JSON.stringify(r.reply)}` };
    return { power: ret.status === "shutdown" ? "off" : "on", detail: `QMP status ${ret.status}` };
  }
}
