// Fencing levels, like Pacemaker's topology: built from [[fencing.level]] in the configured order, then tried in
// that order; the first that confirms wins.

import type { FenceLevelConfig } from "../config/index.ts";
import { errorText } from "../log/logger.ts";
import { type Clock, realClock } from "../sys/clock.ts";
import type { FenceAction, FenceDevice, FenceContext } from "./device.ts";
import { IpmiFence } from "./ipmi.ts";
import { PeerRequestFence } from "./peer-request.ts";
import { PoisonPillFence } from "./poison-pill.ts";
import { QmpFence } from "./qmp.ts";
import { RedfishFence } from "./redfish.ts";

export interface FenceReport {
  ok: boolean;
  device: string;
  detail: string;
  /** What every level said, in order. */
  attempts: { device: string; confirmed: boolean; detail: string; ms: number }[];
}

/** One level's time limit: the configured timeout, or the device's own minimum when larger (a pill's msgwait). */
export function levelLimit(device: FenceDevice, timeoutMs: number): number {
  return Math.max(timeoutMs, device.minTimeoutMs ?? 0);
}

/** How long running every level in turn may take, plus a second: the core's bound on one fence. */
export function fenceBudget(devices: readonly FenceDevice[], timeoutMs: number): number {
  return (
    Math.max(
      timeoutMs,
      devices.reduce((t, a) => t + levelLimit(a, timeoutMs), 0),
    ) + 1000
  );
}

/** Run the levels in order, each bounded by `timeoutMs` (or the device's own minimum, when larger). */
export async function runFence(
  devices: readonly FenceDevice[],
  target: string,
  action: FenceAction,
  timeoutMs: number,
  clock: Clock = realClock,
): Promise<FenceReport> {
  const attempts: FenceReport["attempts"] = [];
  for (const device of devices) {
    const t0 = clock.now();
    const ctl = new AbortController();
    const limit = levelLimit(device, timeoutMs);
    const cancel = clock.after(limit, () => ctl.abort());
    let confirmed = false;
    let detail: string;
    try {
      const out = await Promise.race([
        device.fence(target, action, ctl.signal),
        new Promise<never>((_, rej) =>
          ctl.signal.addEventListener("abort", () => rej(new Error(`no answer within ${limit} ms`))),
        ),
      ]);
      confirmed = out.confirmed;
      detail = out.detail;
    } catch (e) {
      detail = errorText(e);
    } finally {
      cancel();
    }
    attempts.push({ device: device.name, confirmed, detail, ms: clock.now() - t0 });
    if (confirmed) return { ok: true, device: device.name, detail, attempts };
  }
  const detail =
    devices.length === 0 ? "no fence level configured" : attempts.map((a) => `${a.device}: ${a.detail}`).join("; ");
  return { ok: false, device: devices.map((a) => a.name).join(",") || "none", detail, attempts };
}

// Build the fence levels from [[fencing.level]], in the configured order.

/** One device per configured level. */
export function fenceDevicesFrom(
  levels: readonly FenceLevelConfig[],
  ctx: FenceContext,
  deadtimeMs: number,
): FenceDevice[] {
  return levels.map((l) => deviceFor(l, ctx, deadtimeMs));
}

/** The device for one level. */
function deviceFor(l: FenceLevelConfig, ctx: FenceContext, deadtimeMs: number): FenceDevice {
  switch (l.type) {
    case "qmp":
      return new QmpFence({ device: l.device, action: l.action });
    case "ipmi":
      return new IpmiFence({
        host: l.host,
        port: l.port,
        user: l.user,
        passwordFile: l.password_file,
        interface: l.interface,
        ...(l.cipher_suite === undefined ? {} : { cipherSuite: l.cipher_suite }),
      });
    case "redfish":
      return new RedfishFence({
        url: l.url,
        user: l.user,
        passwordFile: l.password_file,
        system: l.system,
        insecure: l.insecure,
        ...(l.ca_file === undefined ? {} : { caFile: l.ca_file }),
      });
    case "peer-request":
      return new PeerRequestFence({ ctx, deadtimeMs });
    case "poison-pill":
      return new PoisonPillFence({ msgwaitMs: l.msgwait, ctx });
  }
}
