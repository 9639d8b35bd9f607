// String shapes the schema refers to: names, paths, addresses, URLs, systemd units, mount devices and options;
// and addresses with a prefix ("10.0.0.5/24") with one spelling per address, for comparing them.
import { BlockList, isIP } from "node:net";

/** Cluster, node and monitor names: 1-32 of [A-Za-z0-9_.-]. */
export const NAME = /^[A-Za-z0-9_.-]{1,32}$/;
/** An absolute path without NUL or newline. */
export const ABSOLUTE_PATH = /^\/[^\0\n]*$/;
/** A Linux network interface name (IFNAMSIZ - 1 = 15 characters). */
export const IFNAME = /^[A-Za-z0-9_.:-]{1,15}$/;
/** A MAC address, six hex pairs separated by colons. */
export const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;
/** A user name for a BMC: printable ASCII without spaces. */
export const USER = /^[\x21-\x7e]{1,64}$/;
/** A resource name: 1-128 characters without control characters (derived ones look like "ip 10.0.0.5/24"). */
export const RESOURCE_NAME = /^[^\x00-\x1f\x7f]{1,128}$/;
/** A systemd unit name with the suffix of a unit that can be started; never starting with "-" (an option). */
export const UNIT_NAME =
  /^(?=.{1,255}$)[A-Za-z0-9_\\][A-Za-z0-9:_.\\@-]*\.(?:service|socket|target|mount|automount|swap|path|timer)$/;
/** A file system type for mount -t ("ext4", "xfs", "fuse.sshfs", "auto"). */
export const FSTYPE = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
/** Mount options for mount -o: printable ASCII without spaces ("defaults", "rw,noatime"). */
export const MOUNT_OPTIONS = /^[\x21-\x7e]{1,1024}$/;

/** An IPv4 or IPv6 address literal (IPv6 may carry a %zone). */
export function isIpLiteral(s: string): boolean {
  return isIP(s) !== 0;
}

/** A host name or IP literal. */
export function isHost(s: string): boolean {
  return (
    isIpLiteral(s) ||
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
      s,
    )
  );
}

/** "host:port" or "[ipv6]:port" with port 1..65535. */
export function isHostPort(s: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(s);
  if (m === null) return false;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return false;
  return m[1] !== undefined ? isIP(m[1]) === 6 : isHost(m[2] ?? "");
}

/** An http:// or https:// URL with a host. */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\/[^\s]+$/.test(s)) return false;
  try {
    return new URL(s).hostname !== "";
  } catch {
    return false;
  }
}

/** A built-in plugin name (lower-case word) or an absolute path. */
export function isPluginRef(s: string): boolean {
  return /^[a-z][a-z0-9_-]{0,63}$/.test(s) || ABSOLUTE_PATH.test(s);
}

/** A block device for mount: an absolute path, LABEL=... or UUID=.... */
export function isMountDevice(s: string): boolean {
  return ABSOLUTE_PATH.test(s) || /^LABEL=[^\0\n]{1,255}$/.test(s) || /^UUID=[0-9A-Fa-f-]{1,64}$/.test(s);
}

// Addresses with a prefix ("10.0.0.5/24", "fd00::5/64") and one spelling per address, for comparing them.

/** "ADDR/PREFIX" with an IPv4 (prefix 0-32) or IPv6 (prefix 0-128) literal, no zone, no leading zeros. */
export function isCidr(s: string): boolean {
  return parseCidr(s) !== null;
}

/** The address, its family and prefix length; null when `s` is not an address with a /prefix. */
export function parseCidr(s: string): { address: string; family: 4 | 6; prefix: number } | null {
  const m = /^([^/%]+)\/(0|[1-9][0-9]{0,2})$/.exec(s);
  if (m === null) return null;
  const address = m[1] ?? "";
  const family = isIP(address);
  const prefix = Number(m[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) return null;
  return { address, family: family === 4 ? 4 : 6, prefix };
}

/** One spelling per address (IPv6 compressed, lower case; a %zone dropped), so "fd00:0::5" equals "fd00::5". */
export function canonicalIp(address: string): string {
  const bare = address.split("%")[0] ?? "";
  if (isIP(bare) !== 6) return bare;
  try {
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare.toLowerCase();
  }
}

/** True when the IP literal `address` lies in the subnet of `cidr` (same family; a %zone is ignored). */
export function inSubnet(address: string, cidr: { address: string; family: 4 | 6; prefix: number }): boolean {
  const bare = address.split("%")[0] ?? "";
  if (isIP(bare) !== cidr.family) return false;
  const type = cidr.family === 4 ? "ipv4" : "ipv6";
  const net = new BlockList();
  net.addSubnet(cidr.address, cidr.prefix, type);
  return net.check(bare, type);
}
