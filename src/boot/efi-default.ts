// systemd-boot's per-machine choice: the EFI variables LoaderEntryDefault, LoaderEntryOneShot and LoaderConfigTimeout
// live in each machine's NVRAM, not on the shared disk, and override loader.conf's `default` and `timeout` (which both
// machines would read). `bootctl set-default|set-oneshot|set-timeout` writes them on the machine that runs it;
// efivarfs shows them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type RunResult, runIn } from "./chroot.ts";

/** The Boot Loader Interface's vendor GUID (systemd-boot's variables). */
export const LOADER_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";
export const EFIVARS = "/sys/firmware/efi/efivars";

/** Where the EFI variables are read, and how bootctl runs (null: not installed). Tests inject both. */
export interface Efi {
  dir: string;
  bootctl: (args: string[]) => Promise<RunResult | null>;
}

export const HOST_EFI: Efi = {
  dir: EFIVARS,
  // bootctl writes the NVRAM of the machine running it, whatever tree --root names: always the host's.
  bootctl: async (args) => (Bun.which("bootctl") ? runIn("/", "bootctl", args) : null),
};

export const entryFile = (node: string): string => `clusterguard-${node}.conf`;

/** A Boot Loader Interface variable (4 bytes of attributes, then UTF-16LE text); null when unset or unreadable. */
export function readLoaderVariable(name: string, dir = EFIVARS): string | null {
  try {
    const raw = readFileSync(join(dir, `${name}-${LOADER_GUID}`));
    return raw.subarray(4).toString("utf16le").replace(/\0+$/, "");
  } catch {
    return null;
  }
}

/** This machine's default and one-shot entries and menu timeout; null when it shows no EFI variables (BIOS boot). */
export function machineEntries(
  dir = EFIVARS,
): { default: string | null; oneshot: string | null; timeout: string | null } | null {
  if (!existsSync(dir)) return null;
  return {
    default: readLoaderVariable("LoaderEntryDefault", dir),
    oneshot: readLoaderVariable("LoaderEntryOneShot", dir),
    timeout: readLoaderVariable("LoaderConfigTimeout", dir),
  };
}

/** Make `node`'s entry this machine's default (once: its next boot only), in its NVRAM. Throws with what to run. */
export async function setMachineEntry(node: string, once: boolean, efi: Efi = HOST_EFI): Promise<string[]> {
  const verb = once ? "set-oneshot" : "set-default";
  const cmd = `bootctl ${verb} ${entryFile(node)}`;
  const where = `systemd-boot keeps the default in each machine's NVRAM (EFI variable ${once ? "LoaderEntryOneShot" : "LoaderEntryDefault"}), not on the shared disk: on the machine that boots as node ${node}, run \`${cmd}\``;
  const r = await efi.bootctl([verb, entryFile(node)]);
  if (!r) throw new Error(`the entry is written, but bootctl is not installed here: ${where}`);
  if (r.exitCode !== 0) throw new Error(`${cmd} failed (${r.output.trim() || `exit ${r.exitCode}`}): ${where}`);
  const lines = [
    `${cmd}: THIS machine (the one running this command) boots node ${node}${once ? " at its next boot" : ""}; nothing on the shared disk changed. On the other machine, run \`clusterguard bootloader install --node NAME ${once ? "--once" : "--set-default"}\` with that machine's node`,
  ];
  if (existsSync(efi.dir) && readLoaderVariable("LoaderInfo", efi.dir) === null)
    lines.push(
      "note: this machine was not started by systemd-boot (no LoaderInfo EFI variable): a boot loader that ignores LoaderEntryDefault (GRUB reading these entries) will not follow it",
    );
  return lines;
}

/**
 * Give this machine its own menu timeout (`timeout`, loader.conf's syntax), unless it has one: the shared loader.conf
 * says `timeout menu-force` (bls.ts), so a machine without it waits at the menu. Throws with what to run.
 */
export async function setMachineTimeout(timeout: string, efi: Efi = HOST_EFI): Promise<string[]> {
  const have = machineEntries(efi.dir)?.timeout ?? null;
  if (have !== null) return [`this machine's NVRAM already has its menu timeout (LoaderConfigTimeout ${have}): kept`];
  const cmd = `bootctl set-timeout ${timeout}`;
  const r = await efi.bootctl(["set-timeout", timeout]);
  if (r?.exitCode !== 0)
    throw new Error(
      `${cmd} failed (${r === null ? "bootctl is not installed" : r.output.trim() || `exit ${r.exitCode}`}): the shared loader.conf holds every machine without its own timeout at the menu; run \`${cmd}\` on this machine`,
    );
  return [
    `${cmd}: THIS machine boots its default by itself (EFI variable LoaderConfigTimeout); one without it waits at the menu`,
  ];
}

/** After `node`'s entry is removed: unset this machine's variables that still name it. */
export async function forgetMachineEntry(node: string, efi: Efi = HOST_EFI): Promise<string[]> {
  const vars = machineEntries(efi.dir);
  if (!vars) return [];
  const lines: string[] = [];
  const named = vars.default === entryFile(node);
  // The timeout came with the default (setMachineTimeout): without a default, the machine waits at the menu again.
  const unset: [verb: string, what: string][] = [];
  if (named) unset.push(["set-default", `names ${entryFile(node)}`]);
  if (vars.oneshot === entryFile(node)) unset.push(["set-oneshot", `names ${entryFile(node)}`]);
  if (named && vars.timeout !== null) unset.push(["set-timeout", "has the menu timeout that came with it"]);
  for (const [verb, what] of unset) {
    const r = await efi.bootctl([verb, ""]);
    lines.push(
      r?.exitCode === 0
        ? `bootctl ${verb} "": this machine's NVRAM no longer ${what}`
        : `this machine's NVRAM still ${what}: run \`bootctl ${verb} ""\``,
    );
  }
  return lines;
}
