// What a guard run needs, resolved from the config, the kernel arguments and the command line.
import type { ClusterConfig, NodeConfig } from "../config/index.ts";

/** Command-line overrides of the links (a relay or a pty in tests; a different device on a host). */
export interface LinkOverrides {
  serialDevice?: string;
  udpLocal?: string;
  /** "ADDR" or "ADDR:PORT": where frames go and the only source accepted. */
  udpPeer?: string;
  udpPort?: number;
  diskDevice?: string;
}

import type { StoppedRecord } from "./boot-record.ts";
import type { HandoverSnapshot } from "./handover.ts";

export interface GuardOptions {
  config: ClusterConfig;
  key: Uint8Array;
  self: NodeConfig;
  peer: NodeConfig;
  links: LinkOverrides;
  /** On a booted host (tests): ACTIVE keeps heartbeating instead of continuing a boot. */
  hostMode: boolean;
  /** Host-mode test fence agent: record fence calls in this file and confirm them. */
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
}

/** Split "ADDR" or "ADDR:PORT" (IPv6 as "[ADDR]:PORT"); null when malformed. */
export function splitHostPort(text: string, defaultPort: number): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m?.[1]) return /^[0-9a-fA-F:]+$/.test(text) ? { host: text, port: defaultPort } : null;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : null;
}
