// `bootloader install --match FACT=VALUE`: the machine fact that tells GRUB which machine boots which node. Both
// machines read one grub.cfg from the shared disk, so only something GRUB can read in the machine itself differs:
// the SMBIOS system UUID or serial number (GRUB's `smbios` command, type 1 structure).

/** A usage or configuration error of `bootloader`: the command exits 2 (src/cli/exit-codes.ts). */
export class BootUsageError extends Error {}

export type MatchFact = "smbios-uuid" | "smbios-serial";

export interface MachineMatch {
  fact: MatchFact;
  /** As GRUB prints it: a UUID in lower case, a serial exactly as the firmware holds it. */
  value: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXPECTED =
  "smbios-uuid=UUID (cat /sys/class/dmi/id/product_uuid) or smbios-serial=SERIAL (cat /sys/class/dmi/id/product_serial)";

function refuse(raw: string, why: string): never {
  throw new BootUsageError(`--match ${JSON.stringify(raw)}: ${why}`);
}

/** Parse one --match value; throws BootUsageError naming the flag, the value and what was expected. */
export function parseMatch(raw: string): MachineMatch {
  const eq = raw.indexOf("=");
  const fact = eq < 0 ? raw : raw.slice(0, eq);
  const value = eq < 0 ? "" : raw.slice(eq + 1);
  if (fact === "mac")
    refuse(
      raw,
      `GRUB cannot match a MAC address: it sees a NIC only through its network drivers (efinet on UEFI with the firmware's network stack enabled, pxe only when booted over PXE), not when it boots from a disk. Expected ${EXPECTED}; the guard itself can still check the MAC (machine_mac in [[node]])`,
    );
  if (fact === "smbios-uuid") {
    const uuid = value.toLowerCase();
    if (!UUID.test(uuid)) refuse(raw, `expected smbios-uuid=UUID, 8-4-4-4-12 hexadecimal digits as in ${EXPECTED}`);
    if (/^0{8}-0{4}-0{4}-0{4}-0{12}$|^f{8}-f{4}-f{4}-f{4}-f{12}$/.test(uuid))
      refuse(raw, "SMBIOS reserves this UUID for a machine with none set: use smbios-serial=SERIAL");
    return { fact, value: uuid };
  }
  if (fact === "smbios-serial") {
    if (value.trim() === "")
      refuse(raw, `expected smbios-serial=SERIAL with a serial that is not blank, as in ${EXPECTED}`);
    if (value.length > 128) refuse(raw, "expected a serial of at most 128 characters");
    // Printable ASCII only, and no single quote: GRUB compares it inside a single-quoted word.
    if (!/^[\x20-\x7e]+$/.test(value) || value.includes("'"))
      refuse(raw, "expected a serial of printable ASCII characters without a single quote (')");
    return { fact, value };
  }
  return refuse(raw, `expected ${EXPECTED}`);
}

export function formatMatch(m: MachineMatch): string {
  return `${m.fact}=${m.value}`;
}

/** What a match reads at boot, for messages: "SMBIOS UUID" or "SMBIOS serial". */
export function factName(fact: MatchFact): string {
  return fact === "smbios-uuid" ? "SMBIOS UUID" : "SMBIOS serial";
}
