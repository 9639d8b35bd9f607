// The validated configuration, shaped exactly like clusterguard.toml: keys keep their TOML names.
import type { NotifyEvent } from "./schema/notify.ts";

/** The whole validated clusterguard.toml, every default filled in. */
export interface ClusterConfig {
  cluster: { name: string };
  /** Exactly two [[node]] tables, in file order. */
  node: [NodeConfig, NodeConfig];
  timers: TimersConfig;
  channels: ChannelsConfig;
  fencing: FencingConfig;
  management: ManagementConfig;
  web: WebConfig;
  /** [[monitor]]: service monitors, possibly none. */
  monitor: MonitorConfig[];
  /** [[resource]]: brought up in this order on takeover, released in reverse; possibly none. */
  resource: ResourceConfig[];
  /** [[notify]]: commands the agent runs on cluster events; possibly none. */
  notify: NotifyConfig[];
}

/** One [[node]]. */
export interface NodeConfig {
  name: string;
  /** 0..1000, higher wins the ACTIVE role; equal priorities are broken by name. */
  priority: number;
  /** IPv4/IPv6 literal on the crossover link; always set when channels.udp is enabled. */
  address?: string;
  /** Heartbeat slot on the shared disk: 0 or 1 (default: the node's index). */
  disk_slot: number;
  /** This node's machine, by its SMBIOS system UUID and/or a NIC's MAC (node/identity.ts checks them). */
  machine_uuid?: string;
  machine_mac?: string;
  /** This node's address on the fencing network ("192.168.77.2/24"); set on both nodes or neither. */
  fencing_address?: string;
  /** This node's fencing NIC by MAC; else fencing.network.interface names it. */
  fencing_mac?: string;
}

/** [timers], all in milliseconds. */
export interface TimersConfig {
  keepalive: number;
  warntime: number;
  deadtime: number;
  initdead: number;
  handoff_grace: number;
}

export type Baud = 9600 | 19200 | 38400 | 57600 | 115200 | 230400 | 460800 | 921600;

export interface SerialChannelConfig {
  enabled: boolean;
  device: string;
  baud: Baud;
}

export interface UdpChannelConfig {
  enabled: boolean;
  port: number;
  interface?: string;
  broadcast: boolean;
}

export interface DiskChannelConfig {
  enabled: boolean;
  /** Always set when enabled. */
  device?: string;
  /** Byte offset of the heartbeat area, a multiple of 4096. */
  offset: number;
}

/** [channels.*] */
export interface ChannelsConfig {
  serial: SerialChannelConfig;
  udp: UdpChannelConfig;
  disk: DiskChannelConfig;
}

/** [fencing]: delays in ms, the startup fencing rule and the ordered fence levels. */
export interface FencingConfig {
  delay: number;
  timeout: number;
  /** Startup fencing (a peer never heard since this boot) only with the disk channel up; false: on any silence. */
  wait_for_all: boolean;
  network: FencingNetworkConfig;
  level: FenceLevelConfig[];
}

/** [fencing.network]: what both nodes share of the NIC the BMCs are reached through. */
export interface FencingNetworkConfig {
  interface?: string;
  /** Router to BMCs outside the fencing subnet. */
  gateway?: string;
}

export type FenceLevelType = FenceLevelConfig["type"];

/** One [[fencing.level]], discriminated by type; `target`: the only node it fences (unset: the peer). */
export type FenceLevelConfig = { target?: string } & (
  | { type: "peer-request" }
  | { type: "poison-pill"; msgwait: number; watchdog_device: string; watchdog_timeout: number }
  | { type: "qmp"; device: string; action: "reset" | "off" }
  | {
      type: "ipmi";
      host: string;
      user: string;
      password_file: string;
      interface: "lan" | "lanplus";
      /** UDP port, 623 by default. */
      port: number;
      /** ipmitool -C; unset: ipmitool picks one. */
      cipher_suite?: number;
    }
  | {
      type: "redfish";
      url: string;
      user: string;
      password_file: string;
      system: string;
      insecure: boolean;
      /** CA certificates (PEM) for https; unset: the system bundle. */
      ca_file?: string;
    }
);

/** The levels, in order, that fence node `target` (those aimed at it and those without a target). */
export function levelsFor(levels: readonly FenceLevelConfig[], target: string): FenceLevelConfig[] {
  return levels.filter((l) => l.target === undefined || l.target === target);
}

/** [management]: tcp_listen implies token_file, tls_cert and tls_key are set. */
export interface ManagementConfig {
  socket: string;
  tcp_listen?: string;
  token_file?: string;
  tls_cert?: string;
  tls_key?: string;
}

/** [web]: the HTTPS console; listen implies tls_cert, tls_key and management.token_file are set. */
export interface WebConfig {
  listen?: string;
  tls_cert?: string;
  tls_key?: string;
  readonly_token_file?: string;
  /** Seconds from login to the end of a console session. */
  session_timeout: number;
}

export type OnFail = "restart" | "failover" | "stop";

/** One [[monitor]]: a service monitor (timeout < interval). */
export interface MonitorConfig {
  name: string;
  plugin: string;
  interval: number;
  timeout: number;
  rise: number;
  fall: number;
  max_restarts: number;
  restart_window: number;
  on_fail: OnFail;
  params: Record<string, string | number | boolean>;
}

export type ResourceType = ResourceConfig["type"];

/**
 * One [[resource]], discriminated by type; names are distinct (an ip or mount without one gets a derived name,
 * "ip 10.0.0.5/24", "mount /srv/data"; a unit's name is its systemd unit). timeout is in ms.
 */
export type ResourceConfig =
  | { type: "ip"; name: string; address: string; interface: string; arp_count: number; timeout: number }
  | { type: "mount"; name: string; device: string; target: string; fstype: string; options: string; timeout: number }
  | { type: "unit"; name: string; timeout: number };

/** One [[notify]] hook: a command line (first word an absolute path), the events that run it, a timeout in ms. */
export interface NotifyConfig {
  command: string;
  events: NotifyEvent[];
  timeout: number;
}

/** A configuration problem: where (file, dotted key, line), what arrived (value/problem) and what was expected. */
export interface ConfigError {
  file: string;
  /** Dotted key path (timers.deadtime, node[1].priority) or a pseudo key: (file), (syntax), (mode), (owner), (length). */
  key: string;
  line?: number;
  /** The offending value; undefined when missing or not applicable. */
  value?: unknown;
  /** True when value is a default rather than something the file set. */
  defaulted?: boolean;
  /** What is wrong when "expected" alone does not say it: "missing", "unknown key", ... */
  problem?: string;
  /** What was expected, as a noun phrase ("an integer from 10 to 60000 (ms)"). */
  expected: string;
}
