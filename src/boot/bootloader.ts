// `clusterguard bootloader install|remove|list`: one boot entry per node, GRUB or Boot Loader Specification, and how
// each machine of the pair lands on its own node's entry although both read one shared disk: on GRUB a snippet that
// matches a fact of the machine (--match, grub-select.ts), on systemd-boot the default in each machine's NVRAM.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { installBls, listBls, removeBls } from "./bls.ts";
import { type BootloaderKind, detectBootloader, validNodeName } from "./bootloader-kind.ts";
import { holdAtMenu, loaderConf, restoreDefaults, setDefault } from "./defaults.ts";
import { entryFile, forgetMachineEntry, machineEntries } from "./efi-default.ts";
import { installGrub, listGrub, removeGrub, updateGrub } from "./grub.ts";
import { readMatches, writeSelect } from "./grub-select.ts";
import { BootUsageError, factName, formatMatch, type MachineMatch, parseMatch } from "./match.ts";

/** Arguments every entry gets besides rd.clusterguard.node: events must reach kmsg unthrottled. */
export const DEFAULT_ENTRY_ARGS = "printk.devkmsg=on";

export interface BootOptions {
  root: string;
  node?: string;
  args?: string;
  /** GRUB: the machine fact that selects this node's entry at boot, "smbios-uuid=..." or "smbios-serial=...". */
  match?: string;
  setDefault?: boolean;
  once?: boolean;
  /** Run update-grub after a GRUB change (default true). */
  update?: boolean;
}

export interface BootReport {
  kind: BootloaderKind;
  lines: string[];
}

/** One node's entry as `bootloader list` shows it. */
export interface BootEntry {
  node: string;
  /** GRUB: the entry's id; BLS: the entry's file name (bootctl's id). */
  id: string;
  /** False for a GRUB match recorded for a node whose grub.d script is gone. */
  installed: boolean;
  /** How a machine lands on it: the GRUB match, or whether it is this machine's systemd-boot default. */
  selection: string;
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
    throw new BootUsageError(
      `--node: expected a node name of 1-32 characters [A-Za-z0-9_.-], got ${JSON.stringify(node ?? "")}`,
    );
  return node;
}

/** The GRUB matches with `node`'s set to `match`; refused when another node has the same fact and value. */
function withMatch(root: string, node: string, match: MachineMatch): Map<string, MachineMatch> {
  const matches = readMatches(root);
  for (const [other, m] of matches)
    if (other !== node && m.fact === match.fact && m.value === match.value)
      throw new BootUsageError(
        `--match ${formatMatch(match)}: node ${other} already has it, and one machine cannot boot two nodes: give each node its own machine's value`,
      );
  matches.set(node, match);
  return matches;
}

/** Add (or refresh: installing twice leaves one entry) the entry for a node. */
export async function bootInstall(o: BootOptions): Promise<BootReport> {
  const root = resolve(o.root);
  const node = checkNode(o.node);
  const match = o.match === undefined ? undefined : parseMatch(o.match);
  const kind = kindOf(root);
  if (match && kind === "bls")
    throw new BootUsageError(
      `--match is for GRUB, whose default is on the shared disk; with Boot Loader Specification entries (systemd-boot) each machine keeps its default in its own NVRAM: run \`clusterguard bootloader install --node ${node} --set-default\` on the machine that boots as node ${node}`,
    );
  // Every refusal comes before the first write: a refused install changes nothing.
  const matches = kind === "grub" && match ? withMatch(root, node, match) : readMatches(root);
  const args = `${o.args ?? ""} ${DEFAULT_ENTRY_ARGS}`.trim();
  const lines = [`wrote ${kind === "bls" ? installBls(root, node, args) : installGrub(root, node, args)}`];
  if (kind === "grub") lines.push(grubSelection(root, node, match, matches));
  else lines.push(holdAtMenu(root));
  if (kind === "grub" && o.update !== false) lines.push(await grubUpdate(root));
  if (o.setDefault || o.once) lines.push(...(await setDefault(root, kind, node, Boolean(o.once))));
  return { kind, lines };
}

function grubSelection(
  root: string,
  node: string,
  match: MachineMatch | undefined,
  matches: Map<string, MachineMatch>,
): string {
  const mine = matches.get(node);
  if (!mine)
    return `no --match for node ${node}: which machine boots it is up to the default entry, and grubenv is on the shared disk (both machines read it)`;
  const path = writeSelect(root, matches);
  return `${match ? "wrote" : "kept the match recorded in"} ${path}: a machine whose ${factName(mine.fact)} is ${mine.value} boots node ${node}`;
}

/** Remove a node's entry (or all with no node) and undo any default change: the tree is as before install. */
export async function bootRemove(o: BootOptions): Promise<BootReport> {
  const root = resolve(o.root);
  const kind = kindOf(root);
  const nodes = o.node ? [checkNode(o.node)] : bootList(root).entries.map((e) => e.node);
  const lines: string[] = [];
  const matches = readMatches(root);
  for (const n of nodes) {
    if (kind === "bls" ? removeBls(root, n) : removeGrub(root, n)) lines.push(`removed the entry for node ${n}`);
    if (kind === "bls") lines.push(...(await forgetMachineEntry(n)));
    if (matches.delete(n)) lines.push(`removed node ${n}'s match`);
  }
  if (kind === "grub") writeSelect(root, matches);
  if (lines.length === 0) lines.push("no clusterguard entry to remove");
  // A machine without its own default must keep waiting at the menu while any node's entry is left (16.12).
  const left = kind === "bls" ? listBls(root) : [];
  lines.push(...restoreDefaults(root, left.length > 0 ? [loaderConf(root)] : []));
  if (left.length > 0)
    lines.push(`kept "timeout menu-force" in loader.conf: the entries of ${left.join(", ")} are left`);
  if (kind === "bls")
    lines.push(
      'on the other machine, if its NVRAM default was a removed entry, run `bootctl set-default "" && bootctl set-timeout ""` there (each machine\'s NVRAM is its own)',
    );
  if (kind === "grub" && o.update !== false) lines.push(await grubUpdate(root));
  return { kind, lines };
}

/** Every node's entry and how a machine lands on it. */
export function bootList(root: string): { kind: BootloaderKind; entries: BootEntry[] } {
  root = resolve(root);
  const kind = kindOf(root);
  if (kind === "bls") {
    const vars = machineEntries();
    return {
      kind,
      entries: listBls(root).map((node) => ({
        node,
        id: entryFile(node),
        installed: true,
        selection: !vars
          ? "this machine's default unknown (no EFI variables here)"
          : vars.default === entryFile(node)
            ? "this machine's default (EFI variable LoaderEntryDefault)"
            : vars.oneshot === entryFile(node)
              ? "this machine's next boot (EFI variable LoaderEntryOneShot)"
              : "not this machine's default",
      })),
    };
  }
  const matches = readMatches(root);
  const installed = listGrub(root);
  const nodes = [...new Set([...installed, ...matches.keys()])].sort();
  return {
    kind,
    entries: nodes.map((node) => {
      const m = matches.get(node);
      return {
        node,
        id: `clusterguard-${node}`,
        installed: installed.includes(node),
        selection: m ? `match ${formatMatch(m)}` : "no match (booted only as the default entry)",
      };
    }),
  };
}

async function grubUpdate(root: string): Promise<string> {
  if (!existsSync(join(root, "boot/grub")) && !existsSync(join(root, "boot/grub2")))
    return "no /boot/grub: grub.cfg not regenerated";
  const r = await updateGrub(root);
  if (!r) return "update-grub not found: run it yourself to regenerate grub.cfg";
  if (r.exitCode !== 0) throw new Error(`update-grub failed:\n${r.output}`);
  return "regenerated grub.cfg";
}
