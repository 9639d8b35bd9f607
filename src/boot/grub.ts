// GRUB entries: an executable /etc/grub.d/45_clusterguard_NODE that update-grub turns into a menu entry.
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runIn } from "./chroot.ts";
import { fill, GRUB_TEMPLATE } from "./templates.ts";

export function grubScript(root: string, node: string): string {
  return join(root, "etc/grub.d", `45_clusterguard_${node}`);
}

/** Write the grub.d script for `node`; returns its path. */
export function installGrub(root: string, node: string, args: string): string {
  const p = grubScript(root, node);
  writeFileSync(p, fill(GRUB_TEMPLATE, { NODE: node, ARGS: `rd.clusterguard.node=${node} ${args}`.trim() }));
  chmodSync(p, 0o755);
  return p;
}

/** Remove the script for `node`; true when there was one. */
export function removeGrub(root: string, node: string): boolean {
  const p = grubScript(root, node);
  if (!existsSync(p)) return false;
  rmSync(p);
  return true;
}

/** Nodes with an installed grub.d script. */
export function listGrub(root: string): string[] {
  const d = join(root, "etc/grub.d");
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.startsWith("45_clusterguard_"))
    .map((f) => f.slice(16));
}

/** Regenerate grub.cfg (update-grub, else grub-mkconfig); null when neither exists in `root`. */
export async function updateGrub(root: string): Promise<{ exitCode: number; output: string } | null> {
  for (const [cmd, args] of [
    ["update-grub", []],
    ["grub-mkconfig", ["-o", "/boot/grub/grub.cfg"]],
    ["grub2-mkconfig", ["-o", "/boot/grub2/grub.cfg"]],
  ] as const) {
    if (existsSync(join(root, "usr/sbin", cmd)) || existsSync(join(root, "sbin", cmd)))
      return runIn(root, cmd, [...args]);
  }
  return null;
}
