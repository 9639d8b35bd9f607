// What the guard initrd must hold for the fence levels, beyond the guard itself, and why a level could not work from
// there. One list: module-setup.sh installs it (through `clusterguard initrd needs`), regenerate checks it before
// dracut runs, and the verification after the build finds every item in the image.
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import { type ClusterConfig, keyPath, readSecretFile, unreachableBmcs } from "../config/index.ts";
import type { Segment } from "../config/toml-tokens.ts";
import { SYSTEM_CA_BUNDLES, systemCaBundle } from "../fence/redfish.ts";

/** A tool (an executable, with its libraries), a secret file (mode 0600 in the image), or a plain file. */
export type NeedKind = "tool" | "secret" | "file";

/** One thing the image must hold: what, where (absolute, as seen from the system being built), and which key asks. */
export interface InitrdNeed {
  kind: NeedKind;
  path: string;
  /** The config key that needs it ("fencing.level[0].password_file"), and its path segments. */
  key: string;
  segs: Segment[];
}

/** Where tools are looked for in the system tree (the initrd's PATH holds the same directories). */
const TOOL_DIRS = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** The absolute path of executable `name` in the tree at `root`, or null when it is not installed there. */
export function findTool(name: string, root = "/"): string | null {
  for (const dir of TOOL_DIRS) {
    try {
      accessSync(join(root, dir, name), constants.X_OK);
      return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Everything the fence levels need in the initrd, each once: ipmitool for an ipmi level (as a bare name when it is
 * not installed under `root`), every ipmi/redfish password_file, and for a redfish level that verifies https its
 * ca_file or the system bundle. Levels of other types need nothing but the guard.
 */
export function initrdNeeds(config: ClusterConfig, root = "/"): InitrdNeed[] {
  const needs: InitrdNeed[] = [];
  const add = (n: InitrdNeed) => {
    if (!needs.some((m) => m.kind === n.kind && m.path === n.path)) needs.push(n);
  };
  config.fencing.level.forEach((level, i) => {
    const at = (k: string) => ({ segs: ["fencing", "level", i, k], key: keyPath(["fencing", "level", i, k]) });
    if (level.type === "ipmi") add({ kind: "tool", path: findTool("ipmitool", root) ?? "ipmitool", ...at("type") });
    if (level.type === "ipmi" || level.type === "redfish")
      add({ kind: "secret", path: level.password_file, ...at("password_file") });
    if (level.type === "redfish" && !level.insecure && level.url.startsWith("https:")) {
      const ca = level.ca_file ?? systemCaBundle(root) ?? SYSTEM_CA_BUNDLES[0]!;
      add({ kind: "file", path: ca, ...at("ca_file") });
    }
  });
  return needs;
}

/** Why a level could not work from the initrd: unreachable BMC, missing tool or file, a secret file refused. */
export interface InitrdProblem {
  kind: "reach" | NeedKind;
  /** The config key it is about, and its path segments. */
  key: string;
  segs: Segment[];
  message: string;
}

/**
 * Every reason a fence level could not work from an initrd built from the tree at `root` with this config: a BMC
 * the guard could not reach there, ipmitool not installed, a CA bundle missing, a password file missing or loose
 * (owned by root, mode 0600 or stricter, as the guard reads it).
 */
export function initrdProblems(config: ClusterConfig, root = "/"): InitrdProblem[] {
  const where = root === "/" ? "on this system" : `in ${root}`;
  const problems: InitrdProblem[] = unreachableBmcs(config).map((u) => ({
    kind: "reach",
    key: keyPath(u.segs),
    segs: u.segs,
    message: u.message,
  }));
  for (const n of initrdNeeds(config, root)) {
    if (n.kind === "tool" && !n.path.startsWith("/")) {
      problems.push({
        kind: "tool",
        key: n.key,
        segs: n.segs,
        message: `the ipmi level runs ${n.path}, which is not installed ${where}, so the initrd cannot hold it: apt-get install ${n.path}`,
      });
    } else if (n.kind === "file" && !existsSync(join(root, n.path))) {
      const fix = n.path === SYSTEM_CA_BUNDLES[0] ? "apt-get install ca-certificates, or set ca_file" : "fix ca_file";
      problems.push({
        kind: "file",
        key: n.key,
        segs: n.segs,
        message: `the redfish level verifies https against ${n.path}, which is missing ${where}: ${fix}`,
      });
    } else if (n.kind === "secret") {
      const errors = readSecretFile(join(root, n.path), {
        requireUid: 0,
        holding: "the BMC password",
        configKey: n.key,
      }).errors;
      for (const e of errors)
        problems.push({
          kind: "secret",
          key: n.key,
          segs: n.segs,
          message: `${e.file}: ${e.problem}; expected ${e.expected}`,
        });
    }
  }
  return problems;
}
