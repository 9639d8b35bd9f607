// Ask the peer over the live links to sync and reset itself (ShaoLin's remote reboot request); confirmed by its next boot.
//
// Useful only while the peer still runs clusterguard and hears us, so it is never enough alone: a peer silent on
// every link is refused at once, and the next level runs. The victim's core obeys an authenticated request that
// echoes its own boot (replays cannot), syncs, and resets; the request is confirmed only when the peer is heard
// again under a new incarnation, i.e. after it really rebooted,, never by silence.
import type { FenceAction, FenceDevice, FenceOutcome, PowerState, FenceContext } from "./device.ts";
import { unknownPower } from "./device.ts";
import { sleep } from "../sys/clock.ts";

/** Fences by request over the heartbeat links. */
export class PeerRequestFence implements FenceDevice {
  readonly name = "peer-request";
  constructor(private readonly o: { ctx: FenceContext; deadtimeMs: number; repeatMs?: number }) {}

  async fence(target: string, _action: FenceAction, signal: AbortSignal): Promise<FenceOutcome> {
    const { ctx } = this.o;
    const silent = ctx.peerSilentMs();
    if (silent === null || silent >= this.o.deadtimeMs) {
      return {
        confirmed: false,
        detail: `${target} is silent on every link (${silent === null ? "never heard" : `${silent} ms`}): a request cannot reach it`,
      };
    }
    const before = ctx.peerIncarnation();
    const t0 = ctx.clock.now();
    while (!signal.aborted) {
      const now = ctx.peerIncarnation();
      if (now !== 0 && now !== before) {
        return {
          confirmed: true,
          detail: `${target} rebooted on request: incarnation ${before} -> ${now} after ${ctx.clock.now() - t0} ms`,
        };
      }
      ctx.send("fence-request");
      await sleep(ctx.clock, this.o.repeatMs ?? 200, signal);
    }
    return { confirmed: false, detail: `${target} was asked to reset but was not heard from a new boot in time` };
  }

  status(): Promise<PowerState> {
    return unknownPower("the peer-request level has no power device");
  }
}
