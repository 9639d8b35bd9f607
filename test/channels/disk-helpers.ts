// Fixtures for the disk channel tests: a recording sink, channel options for a file, an initialised area.

import type { ChannelKind } from "../../src/core/types.ts";
import type { ChannelSink } from "../../src/channels/channel.ts";
import type { DiskChannelOptions, PeerSlot } from "../../src/channels/disk.ts";
import { initDisk } from "../../src/disk/init.ts";
import { CLUSTER, CLUSTER_ID, KEY, TIMERS } from "../disk/helpers.ts";

/** A sink that records health changes and frames. */
export function recordingSink(): ChannelSink & {
  health: ChannelSink["health"];
  events: { up: boolean; detail: string }[];
  frames: number;
} {
  const sink = {
    events: [] as { up: boolean; detail: string }[],
    frames: 0,
    frame(_bytes: Uint8Array, _channel: ChannelKind) {
      sink.frames++;
    },
    health(_channel: ChannelKind, up: boolean, detail: string) {
      sink.events.push({ up, detail });
    },
  };
  return sink;
}

/** Options for slot `self` on `device`, collecting peer reports into `seen`. */
export function channelOptions(
  device: string,
  self: number,
  seen: PeerSlot[],
  extra: Partial<DiskChannelOptions> = {},
): DiskChannelOptions {
  return {
    device,
    offset: 0,
    selfSlot: self,
    peerSlot: 1 - self,
    key: KEY,
    clusterId: CLUSTER_ID,
    pollMs: 20,
    maxBackoffMs: 80,
    onPeerSlot: (s) => seen.push(s),
    ...extra,
  };
}

/** Initialises the test cluster's area on `device`. */
export async function initArea(device: string): Promise<void> {
  const r = await initDisk({ device, clusterName: CLUSTER, key: KEY, timers: TIMERS });
  if (r.kind !== "initialised")
    throw new Error(`initArea(${device}): expected initialised, got ${r.kind}: ${r.reason}`);
}
