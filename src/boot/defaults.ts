// --set-default and --once: make a node's entry the default (or the next boot only). GRUB's grubenv is backed up to
// undo it; systemd-boot's default is this machine's EFI variable (efi-default.ts). And systemd-boot's wait for a
// machine that has no default of its own: the shared loader.conf says `timeout menu-force`, and each machine that
// --set-default chose gets its own timeout in its NVRAM.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { BootloaderKind } from "./bootloader-kind.ts";
import { runIn } from "./chroot.ts";
import { setMachineEntry, setMachineTimeout } from "./efi-default.ts";

const BACKUP = "var/lib/clusterguard/bootloader";
/**
 * Where systemd-boot reads loader.conf: on the EFI system partition. That is /boot when /boot is the ESP (the layout
 * these entries under /boot need); with an XBOOTLDR /boot, the ESP is /efi or /boot/efi. The first of these holding
 * systemd-boot or a loader.conf, else /boot.
 */
export function loaderConf(root: string): string {
  for (const esp of ["efi", "boot/efi", "boot"])
    if (existsSync(join(root, esp, "EFI/systemd")) || existsSync(join(root, esp, "loader/loader.conf")))
      return `${esp}/loader/loader.conf`;
  return "boot/loader/loader.conf";
}

function saveOnce(root: string, file: string): void {
  const dir = join(root, BACKUP);
  const name = file.replace(/\//g, "_");
  const created = mkdirSync(dir, { recursive: true });
  // Remember the first directory this created, so restoring removes exactly what was added.
  if (created) writeFileSync(join(dir, ".created"), created);
  if (existsSync(join(dir, name)) || existsSync(join(dir, `${name}.absent`))) return;
  if (existsSync(join(root, file))) copyFileSync(join(root, file), join(dir, name));
  else writeFileSync(join(dir, `${name}.absent`), "");
}

/** `file` as it was before the first change this command made (the saved copy), or as it is; null when absent. */
function original(root: string, file: string): string | null {
  const saved = join(root, BACKUP, file.replace(/\//g, "_"));
  if (existsSync(saved)) return readFileSync(saved, "utf8");
  if (existsSync(`${saved}.absent`)) return null;
  return existsSync(join(root, file)) ? readFileSync(join(root, file), "utf8") : null;
}

/** A `timeout` line of loader.conf; systemd-boot takes the last one. */
const TIMEOUT = /^[ \t]*timeout[ \t]+(\S+)[ \t]*\r?$/gm;

/**
 * systemd-boot reads one loader.conf for both machines, and a machine with no LoaderEntryDefault in its NVRAM (new
 * mainboard, cleared NVRAM, a machine not yet given its node) boots loader.conf's `default` or the first entry:
 * often the distribution's entry, with no guard, into the shared root. So the shared loader.conf says
 * `timeout menu-force` (every timeout line: systemd-boot takes the last): such a machine waits at the menu for the
 * admin. Each machine that `--set-default` gives its node gets back loader.conf's old timeout as its own
 * (LoaderConfigTimeout, which overrides loader.conf's). As GRUB's unmatched machine waits (grub-select.ts). Saved
 * first: `bootloader remove` restores the file byte for byte once no node's entry is left.
 */
export function holdAtMenu(root: string): string {
  const file = loaderConf(root);
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const held =
    text.search(TIMEOUT) >= 0
      ? text.replace(TIMEOUT, (line) => `timeout menu-force${line.endsWith("\r") ? "\r" : ""}`)
      : `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}timeout menu-force\n`;
  if (held === text) return `${path} already holds a machine without its own default at the menu`;
  saveOnce(root, file);
  writeFileSync(path, held);
  return `wrote "timeout menu-force" in ${path}: a machine without its own menu timeout in its NVRAM (not yet given its node with --set-default, or given it by a version before this one) waits at the menu instead of booting the first entry; run \`clusterguard bootloader install --node NAME --set-default\` on each machine`;
}

/**
 * The menu timeout a machine gets with its default: loader.conf's last `timeout` before holdAtMenu, as bootctl
 * takes it (systemd-boot's 0, no menu, when there was none or it only ever showed the menu).
 */
function machineTimeout(root: string): string {
  const t = [...(original(root, loaderConf(root)) ?? "").matchAll(TIMEOUT)].at(-1)?.[1];
  return t === undefined || !/^(\d+|menu-hidden)$/.test(t) ? "0" : t;
}

/**
 * Make `node`'s entry the default (once: next boot only). Throws with the reason when unsafe. On systemd-boot that is
 * this machine's NVRAM, never loader.conf: both machines read the shared disk's loader.conf.
 */
export async function setDefault(root: string, kind: BootloaderKind, node: string, once: boolean): Promise<string[]> {
  if (kind === "bls") {
    const lines = await setMachineEntry(node, once);
    if (!once) lines.push(...(await setMachineTimeout(machineTimeout(root))));
    const conf = join(root, loaderConf(root));
    const shared = existsSync(conf) ? /^\s*default\s+(clusterguard-\S+)/m.exec(readFileSync(conf, "utf8")) : null;
    if (shared)
      lines.push(
        `note: ${conf} names default ${shared[1]} for every machine that boots the shared disk and has no default in its NVRAM: delete that line`,
      );
    return lines;
  }
  const def = existsSync(join(root, "etc/default/grub")) ? readFileSync(join(root, "etc/default/grub"), "utf8") : "";
  if (!/^GRUB_DEFAULT=["']?saved["']?\s*$/m.test(def)) {
    throw new Error(
      "--set-default/--once need GRUB_DEFAULT=saved in /etc/default/grub (then update-grub); the default entry was left unchanged",
    );
  }
  saveOnce(root, "boot/grub/grubenv");
  const cmd = once ? "grub-reboot" : "grub-set-default";
  const r = await runIn(root, cmd, [`clusterguard-${node}`]);
  if (r.exitCode !== 0) throw new Error(`${cmd} failed: ${r.output}`);
  return [
    `${cmd} clusterguard-${node}: grubenv is on the shared disk, so this is the default of every machine that boots it, but for one that a --match selects`,
  ];
}

/** Undo every --set-default/--once: restore the saved files exactly (but those in `keep`, still needed). */
export function restoreDefaults(root: string, keep: string[] = []): string[] {
  const dir = join(root, BACKUP);
  if (!existsSync(dir)) return [];
  const done: string[] = [];
  const createdFile = join(dir, ".created");
  const created = existsSync(createdFile) ? readFileSync(createdFile, "utf8") : null;
  const saved = readdirSync(dir).filter((f) => f !== ".created");
  const kept = saved.filter((f) => keep.includes((f.endsWith(".absent") ? f.slice(0, -7) : f).replace(/_/g, "/")));
  if (kept.length === 0) rmSync(createdFile, { force: true });
  for (const f of saved) {
    if (kept.includes(f)) continue;
    const absent = f.endsWith(".absent");
    const target = join(root, (absent ? f.slice(0, -7) : f).replace(/_/g, "/"));
    if (absent) rmSync(target, { force: true });
    else copyFileSync(join(dir, f), target);
    rmSync(join(dir, f));
    done.push(`restored ${target}`);
  }
  const stop = created ? dirname(created) : dirname(dir);
  for (let d = dir; d.length > stop.length; d = dirname(d)) {
    if (readdirSync(d).length > 0) break;
    rmdirSync(d);
  }
  return done;
}
