// What a node run needs (resolved from the config, the kernel arguments and the command line), and the links it builds.
import type { ClusterConfig, NodeConfig } from "../config/index.ts";
import type { Channel } from "../channels/channel.ts";
import { DiskChannel, type PeerSlot } from "../channels/disk.ts";
import { SerialChannel } from "../channels/serial.ts";
import { UdpChannel } from "../channels/udp.ts";
import { clusterIdOf } from "../protocol/index.ts";
import type { StoppedRecord } from "./boot-record.ts";
import type { HandoverSnapshot } from "./handover.ts";

/** Command-line overrides of the links (a relay or a pty in tests; a different device on a host). */
export interface LinkOverrides {
  serialDevice?: string;
  udpLocal?: string;
  /** "ADDR" or "ADDR:PORT": where frames go and the only source accepted. */
  udpPeer?: string;
  udpPort?: number;
  diskDevice?: string;
}

export interface NodeOptions {
  config: ClusterConfig;
  key: Uint8Array;
  self: NodeConfig;
  peer: NodeConfig;
  links: LinkOverrides;
  /** On a booted host (tests): ACTIVE keeps heartbeating instead of continuing a boot. */
  hostMode: boolean;
  /** Host-mode test fence device: record fence calls in this file and confirm them. */
  fenceRecord?: string;
  /** Try mlockall + SCHED_RR (heartbeat's `realtime on`). */
  realtime: boolean;
  /**
   * Start ACTIVE instead of BOOTING: continuing this boot's links from a predecessor's snapshot, or "unguarded"
   * (a node that booted without the guard announces ACTIVE under a new incarnation so the peer stays STANDBY).
   */
  resume?: HandoverSnapshot | "unguarded";
  /** Where this boot's incarnation and STOPPED records live (/run/clusterguard; none: a host-mode run keeps none). */
  runDir?: string;
  /** This boot already released the ACTIVE role: start STOPPED under its incarnation, never ACTIVE. */
  stopped?: StoppedRecord;
  /** What the machine's facts said about its node (node/identity.ts), logged at start. */
  identity?: { level: "notice" | "critical"; message: string };
}

/** Split "ADDR" or "ADDR:PORT" (IPv6 as "[ADDR]:PORT"); null when malformed. */
export function splitHostPort(text: string, defaultPort: number): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m?.[1]) return /^[0-9a-fA-F:]+$/.test(text) ? { host: text, port: defaultPort } : null;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : null;
}

// Build the enabled links from the config and the overrides: one Channel per medium.
export interface Links {
  stream: Channel[];
  disk: DiskChannel | null;
}

/** Create (not start) the channels `o` enables. Throws with the option named when an override is malformed. */
export function buildLinks(
  o: NodeOptions,
  onPeerSlot: (slot: PeerSlot) => void,
  onOwnSlot?: (slot: PeerSlot) => void,
): Links {
  const ch = o.config.channels;
  const stream: Channel[] = [];
  if (ch.serial.enabled)
    stream.push(new SerialChannel({ device: o.links.serialDevice ?? ch.serial.device, baud: ch.serial.baud }));
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
      ...(onOwnSlot ? { onOwnSlot } : {}),
    });
  }
  return { stream, disk };
}
