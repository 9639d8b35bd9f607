// Build the enabled links from the config and the overrides: one Channel per medium.
import type { Channel } from "../channels/channel.ts";
import { DiskChannel, type PeerSlot } from "../channels/disk.ts";
import { SerialChannel } from "../channels/serial.ts";
import { UdpChannel } from "../channels/udp.ts";
import { clusterIdOf } from "../protocol/index.ts";
import { type GuardOptions, splitHostPort } from "./options.ts";

export interface Links {
  stream: Channel[];
  disk: DiskChannel | null;
}

/** Create (not start) the channels `o` enables. Throws with the option named when an override is malformed. */
export function buildLinks(o: GuardOptions, onPeerSlot: (slot: PeerSlot) => void): Links {
  const ch = o.config.channels;
  const stream: Channel[] = [];
  if (ch.serial.enabled) stream.push(new SerialChannel({ device: o.links.serialDevice ?? ch.serial.device, baud: ch.serial.baud }));
  if (ch.udp.enabled) {
    const port = o.links.udpPort ?? ch.udp.port;
    const peer = o.links.udpPeer ? splitHostPort(o.links.udpPeer, port) : { host: o.peer.address ?? "", port };
    if (!peer) throw new Error(`--udp-peer ${o.links.udpPeer}: expected ADDR or ADDR:PORT`);
    stream.push(
      new UdpChannel({
        localAddress: o.links.udpLocal ?? o.self.address ?? "",
        peerAddress: peer.host,
        port,
        peerPort: peer.port,
        broadcast: ch.udp.broadcast,
        ...(ch.udp.interface ? { interface: ch.udp.interface } : {}),
      }),
    );
  }
  let disk: DiskChannel | null = null;
  const device = o.links.diskDevice ?? ch.disk.device;
  if (ch.disk.enabled && device) {
    disk = new DiskChannel({
      device,
      offset: ch.disk.offset,
      selfSlot: o.self.disk_slot,
      peerSlot: o.peer.disk_slot,
      key: o.key,
      clusterId: clusterIdOf(o.config.cluster.name),
      pollMs: Math.max(10, Math.floor(o.config.timers.keepalive / 2)),
      onPeerSlot,
    });
  }
  return { stream, disk };
}
