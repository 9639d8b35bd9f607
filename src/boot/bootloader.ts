// `clusterguard bootloader install|remove|list`: one boot entry per node, GRUB or Boot Loader Specification. On
// systemd-boot each machine keeps its own default in its NVRAM (efi-default.ts), never on the shared disk.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { listBls, installBls, removeBls } from "./bls.ts";
import { type BootloaderKind, detectBootloader, validNodeName } from "./bootloader-kind.ts";
import { restoreDefaults, setDefault } from "./defaults.ts";
import { forgetMachineEntry } from "./efi-default.ts";
import { installGrub, listGrub, removeGrub, updateGrub } from "./grub.ts";

/** Arguments every entry gets besides rd.clusterguard.node: events must reach kmsg unthrottled. */
export const DEFAULT_ENTRY_ARGS = "printk.devkmsg=on";

export interface BootOptions {
  root: string;
  node?: string;
  args?: string;
  setDefault?: boolean;
  once?: boolean;
  /** Run update-grub after a GRUB change (default true). */
  update?: boolean;
}

export interface BootReport {
  kind: BootloaderKind;
  lines: string[];
}

function kindOf(root: string): BootloaderKind {
  const k = detectBootloader(root);
  if (!k)
    throw new Error(
      `no boot loader configuration found under ${root}: expected /boot/loader/entries/*.conf (BLS) or /etc/grub.d (GRUB)`,
    );
  return k;
}

function checkNode(node: string | undefined): string {
  if (!node || !validNodeName(node))
    throw new Error(
      `--node: expected a node name of 1-32 characters [A-Za-z0-9_.-], got ${JSON.stringify(node ?? "")}`,
    );
  return node;
}

/** Add (or refresh: installing twice leaves one entry) the entry for a node. */
export async function bootInstall(o: BootOptions): Promise<BootReport> {
  const root = resolve(o.root);
  const node = checkNode(o.node);
  const kind = kindOf(root);
  const args = `${o.args ?? ""} ${DEFAULT_ENTRY_ARGS}`.trim();
  const lines = [`wrote ${kind === "bls" ? installBls(root, node, args) : installGrub(root, node, args)}`];
  if (kind === "grub" && o.update !== false) lines.push(await grubUpdate(root));
  if (o.setDefault || o.once) lines.push(...(await setDefault(root, kind, node, Boolean(o.once))));
  return { kind, lines };
}

/** Remove a node's entry (or all with no node) and undo any default change: the tree is as before install. */
export async function bootRemove(o: BootOptions): Promise<BootReport> {
  const root = resolve(o.root);
  const kind = kindOf(root);
  const nodes = o.node ? [checkNode(o.node)] : bootList(root).nodes;
  const lines: string[] = [];
  for (const n of nodes) {
    if (kind === "bls" ? removeBls(root, n) : removeGrub(root, n)) lines.push(`removed the entry for node ${n}`);
    if (kind === "bls") lines.push(...(await forgetMachineEntry(n)));
  }
  if (lines.length === 0) lines.push("no clusterguard entry to remove");
  lines.push(...restoreDefaults(root));
  if (kind === "grub" && o.update !== false) lines.push(await grubUpdate(root));
  return { kind, lines };
}

/** The nodes that have an entry. */
export function bootList(root: string): { kind: BootloaderKind; nodes: string[] } {
  const kind = kindOf(resolve(root));
  return { kind, nodes: kind === "bls" ? listBls(root) : listGrub(root) };
}

async function grubUpdate(root: string): Promise<string> {
  if (!existsSync(join(root, "boot/grub")) && !existsSync(join(root, "boot/grub2")))
    return "no /boot/grub: grub.cfg not regenerated";
  const r = await updateGrub(root);
  if (!r) return "update-grub not found: run it yourself to regenerate grub.cfg";
  if (r.exitCode !== 0) throw new Error(`update-grub failed:\n${r.output}`);
  return "regenerated grub.cfg";
}
