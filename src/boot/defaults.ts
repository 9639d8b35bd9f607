// --set-default and --once: make a node's entry the default (or the next boot only). GRUB's grubenv is backed up to
// undo it; systemd-boot's default is this machine's EFI variable (efi-default.ts).
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
import { setMachineEntry } from "./efi-default.ts";

const BACKUP = "var/lib/clusterguard/bootloader";

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

/**
 * Make `node`'s entry the default (once: next boot only). Throws with the reason when unsafe. On systemd-boot that is
 * this machine's NVRAM, never loader.conf: both machines read the shared disk's loader.conf.
 */
export async function setDefault(root: string, kind: BootloaderKind, node: string, once: boolean): Promise<string[]> {
  if (kind === "bls") {
    const lines = await setMachineEntry(node, once);
    const conf = join(root, "boot/loader/loader.conf");
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

/** Undo every --set-default/--once: restore the saved files exactly. */
export function restoreDefaults(root: string): string[] {
  const dir = join(root, BACKUP);
  if (!existsSync(dir)) return [];
  const done: string[] = [];
  const createdFile = join(dir, ".created");
  const created = existsSync(createdFile) ? readFileSync(createdFile, "utf8") : null;
  rmSync(createdFile, { force: true });
  for (const f of readdirSync(dir)) {
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
