// Addresses with a prefix ("10.0.0.5/24", "fd00::5/64") and one spelling per address, for comparing them.
import { isIP } from "node:net";

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
