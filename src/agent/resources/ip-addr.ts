// Read `ip -o addr show dev IF` output: which prefixes does an address carry there (IPv4 allows several)?
import { canonicalIp } from "../../config/index.ts";

/** Every prefix `address` carries in `ip -o addr` output, empty when absent (spellings compared canonically). */
export function findAddress(output: string, address: string): number[] {
  const want = canonicalIp(address);
  const prefixes: number[] = [];
  for (const m of output.matchAll(/\binet6? ([0-9A-Fa-f.:]+)\/(\d{1,3})\b/g)) {
    if (canonicalIp(m[1] ?? "") === want) prefixes.push(Number(m[2]));
  }
  return prefixes;
}
