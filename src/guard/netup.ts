// Bring the guard's NICs up in the initrd (ip link/addr/route via execa), independent of dracut's network stack: the
// heartbeat NIC, and the fencing NIC the BMCs are reached through ([fencing.network], found by name or by MAC).
// Both are retried in the background until udev has created the NIC.
import { readdirSync, readFileSync } from "node:fs";
import { execa } from "execa";
import { addressPresent } from "../channels/udp-address.ts";
import { bmcHost, type ClusterConfig, inSubnet, isIpLiteral, type NodeConfig, parseCidr } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import { splitCidr } from "../node/kernel-args.ts";

/** Run `ip ARGS`, bounded; throws with ip's own words. */
async function ip(done: string[], ...args: string[]): Promise<void> {
  const r = await execa("ip", args, { reject: false, timeout: 5000 });
  if (r.exitCode !== 0) throw new Error(`ip ${args.join(" ")} failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
  done.push(`ip ${args.join(" ")}`);
}

/** Make sure `iface` is up and carries `cidr`; returns what was done, or throws with ip's own words. */
export async function ensureAddress(iface: string, cidr: string): Promise<string> {
  const { address, prefix } = splitCidr(cidr);
  const done: string[] = [];
  await ip(done, "link", "set", "dev", iface, "up");
  if (!addressPresent(address)) await ip(done, "addr", "add", `${address}/${prefix}`, "dev", iface);
  return done.join("; ");
}

// The fencing NIC: which NIC, this node's address on it, and a route through the gateway to each BMC off its subnet.

/** What the guard puts on the fencing network for this node. */
export interface FencingNic {
  /** The NIC by name (fencing.network.interface), when it is not found by MAC. */
  interface?: string;
  /** The NIC by MAC (node.fencing_mac), preferred over the name. */
  mac?: string;
  /** This node's fencing_address. */
  cidr: string;
  /** A host route per BMC outside the fencing subnet (and off the heartbeat subnet), through the gateway. */
  routes: { to: string; via: string }[];
}

/** The fencing NIC of `self`, or null when the config has no fencing network. */
export function fencingNic(config: ClusterConfig, self: NodeConfig): FencingNic | null {
  const own = self.fencing_address === undefined ? null : parseCidr(self.fencing_address);
  if (own === null || self.fencing_address === undefined) return null;
  const gw = config.fencing.network.gateway;
  const hb = self.address === undefined ? null : parseCidr(`${self.address}/${splitCidr(self.address).prefix}`);
  const routes: FencingNic["routes"] = [];
  for (const level of config.fencing.level) {
    const host = bmcHost(level);
    if (gw === undefined || host === null || !isIpLiteral(host)) continue;
    if (inSubnet(host, own) || (hb !== null && inSubnet(host, hb)) || !inSubnet(gw, own)) continue;
    if (!routes.some((r) => r.to === host)) routes.push({ to: host, via: gw });
  }
  return {
    ...(self.fencing_mac === undefined ? {} : { mac: self.fencing_mac }),
    ...(config.fencing.network.interface === undefined ? {} : { interface: config.fencing.network.interface }),
    cidr: self.fencing_address,
    routes,
  };
}

/** The NIC whose MAC is `mac` (case ignored), read from `dir`/IFACE/address; null while there is none. */
export function interfaceByMac(mac: string, dir = "/sys/class/net"): string | null {
  const want = mac.toLowerCase();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names.sort()) {
    try {
      if (readFileSync(`${dir}/${name}/address`, "utf8").trim().toLowerCase() === want) return name;
    } catch {
      // a NIC that vanished while we looked
    }
  }
  return null;
}

/** Bring the fencing NIC up with this node's address and the BMC routes; returns the NIC and what was done. */
export async function ensureFencingNic(
  nic: FencingNic,
  sysNet = "/sys/class/net",
): Promise<{ iface: string; done: string }> {
  const byMac = nic.mac === undefined ? null : interfaceByMac(nic.mac, sysNet);
  const iface = byMac ?? (nic.mac === undefined ? nic.interface : undefined);
  if (iface === undefined) throw new Error(`no NIC with MAC ${nic.mac} (yet)`);
  const done = [await ensureAddress(iface, nic.cidr)].filter(Boolean);
  for (const r of nic.routes) {
    const steps: string[] = [];
    await ip(steps, "route", "replace", `${r.to}/${r.to.includes(":") ? 128 : 32}`, "via", r.via, "dev", iface);
    done.push(...steps);
  }
  return { iface, done: done.join("; ") };
}

// The retry loop both NICs share: udev creates NICs a while after the guard starts.

/** Tries 500 ms apart before keepTrying slows down to one every 10 s. */
const QUICK_TRIES = 240;

/**
 * Retry `attempt` until it succeeds: every 500 ms for 120 s, then every 10 s; logs the success, each new failure,
 * and once (at error level) that it is still failing after 120 s.
 */
export async function keepTrying(
  event: string,
  what: string,
  attempt: () => Promise<string>,
  log: Logger,
  fields: Record<string, unknown> = {},
  sleep: (ms: number) => Promise<void> = Bun.sleep,
): Promise<void> {
  let last = "";
  // Every 500 ms while udev and the drivers come up (2 minutes), then every 10 s for as long as the guard runs: a NIC
  // that appears late (a slow driver, a cable plugged in) still gets its address before a failover needs it.
  for (let i = 0; ; i++) {
    try {
      const done = await attempt();
      log.emit("info", event, `${what}: ${done || "already configured"}`, fields);
      return;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (i === QUICK_TRIES)
        log.emit("error", event, `${what}: still failing after 120 s (${msg}); retrying every 10 s`, fields);
      else if (msg !== last) log.emit("warning", event, `${what}: ${msg}; retrying`, fields);
      last = msg;
    }
    await sleep(i < QUICK_TRIES ? 500 : 10_000);
  }
}
