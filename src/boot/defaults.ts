// --set-default and --once: make a node's entry the default (or the next boot only), with a backup to undo it.
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

/** Make `node`'s entry the default (once: next boot only). Throws with the reason when unsafe. */
export async function setDefault(root: string, kind: BootloaderKind, node: string, once: boolean): Promise<string> {
  if (kind === "bls") {
    if (once)
      throw new Error(
        `--once with Boot Loader Specification entries: use \`bootctl set-oneshot clusterguard-${node}.conf\``,
      );
    const conf = "boot/loader/loader.conf";
    saveOnce(root, conf);
    const old = existsSync(join(root, conf))
      ? readFileSync(join(root, conf), "utf8")
          .split("\n")
          .filter((l) => !/^\s*default\s/.test(l) && l !== "")
      : [];
    writeFileSync(join(root, conf), [`default clusterguard-${node}.conf`, ...old, ""].join("\n"));
    return `${conf}: default clusterguard-${node}.conf`;
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
  return `${cmd} clusterguard-${node}`;
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
