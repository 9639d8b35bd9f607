// Boot Loader Specification entries: /boot/loader/entries/clusterguard-NODE.conf beside the default entry.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { guardInitrd } from "./initrd-paths.ts";
import { BLS_TEMPLATE, fill } from "./templates.ts";

const DIR = "boot/loader/entries";

/** Parse one BLS entry into key -> value (first occurrence). */
export function parseEntry(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    const t = /^\s*([a-z_-]+)\s+(.*?)\s*$/.exec(line);
    if (t?.[1] && t[2] !== undefined && !m.has(t[1])) m.set(t[1], t[2]);
  }
  return m;
}

/** The default (newest, not ours) entry's file name. */
function defaultEntry(root: string): string | null {
  const files = readdirSync(join(root, DIR)).filter((f) => f.endsWith(".conf") && !f.startsWith("clusterguard-"));
  files.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return files.at(-1) ?? null;
}

export function blsPath(root: string, node: string): string {
  return join(root, DIR, `clusterguard-${node}.conf`);
}

/** Write the entry for `node`, copying the default entry's kernel and options; returns the path. */
export function installBls(root: string, node: string, args: string): string {
  const def = defaultEntry(root);
  if (!def) throw new Error(`no default entry in ${join(root, DIR)} to copy the kernel command line from`);
  const e = parseEntry(readFileSync(join(root, DIR, def), "utf8"));
  const linux = e.get("linux");
  const kver = e.get("version") ?? linux?.replace(/^.*vmlinuz-/, "");
  if (!linux || !kver) throw new Error(`${def}: expected "linux" and "version" lines`);
  const initrd = guardInitrd(root, kver).slice(join(root, "boot").length);
  if (!existsSync(join(root, "boot", initrd)))
    throw new Error(
      `${join(root, "boot", initrd)} is missing: run clusterguard initrd regenerate --kver ${kver} first`,
    );
  const options = `${e.get("options") ?? ""} rd.clusterguard.node=${node} ${args}`.trim().replace(/\s+/g, " ");
  const path = blsPath(root, node);
  writeFileSync(path, fill(BLS_TEMPLATE, { NODE: node, KVER: kver, LINUX: linux, INITRD: initrd, OPTIONS: options }));
  return path;
}

/** Remove the entry for `node`; true when there was one. */
export function removeBls(root: string, node: string): boolean {
  const p = blsPath(root, node);
  if (!existsSync(p)) return false;
  rmSync(p);
  return true;
}

/** Nodes with an installed BLS entry. */
export function listBls(root: string): string[] {
  const d = join(root, DIR);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => /^clusterguard-.+\.conf$/.test(f))
    .map((f) => f.slice(13, -5));
}
