// Resolve who this node is and what its links are from the kernel arguments, the CLI and the config.
import { readFileSync } from "node:fs";
import { type ClusterConfig, type ConfigError, selectSelf } from "../config/index.ts";
import { parseKernelArgs, type KernelArgs } from "../guard/kernel-args.ts";
import { splitCidr } from "../guard/netup.ts";
import type { GuardOptions, LinkOverrides } from "./options.ts";

/** The kernel command line, or "" where /proc is not readable (then --node must be given). */
export function readCmdline(path = "/proc/cmdline"): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Build GuardOptions, or the configuration error that prevents it. */
export function resolveGuard(
  config: ClusterConfig,
  key: Uint8Array,
  kargs: KernelArgs,
  cli: { node?: string; hostMode: boolean; fenceRecord?: string; realtime: boolean; links: LinkOverrides },
): { ok: true; options: GuardOptions } | { ok: false; error: ConfigError } {
  const name = cli.node ?? kargs.node;
  const origin = cli.node ? { file: "command line", key: "--node" } : { file: "kernel command line", key: "rd.clusterguard.node" };
  if (!name) {
    return { ok: false, error: { file: origin.file, key: origin.key, expected: `this node's name: one of ${config.node.map((n) => n.name).join(", ")} (set rd.clusterguard.node=NAME in the boot entry or pass --node)` } };
  }
  const sel = selectSelf(config, name, origin);
  if (!sel.ok) return { ok: false, error: sel.error };
  const links: LinkOverrides = { ...cli.links };
  if (kargs.address && !links.udpLocal) links.udpLocal = splitCidr(kargs.address).address;
  return {
    ok: true,
    options: {
      config,
      key,
      self: sel.self,
      peer: sel.peer,
      links,
      hostMode: cli.hostMode,
      realtime: cli.realtime,
      ...(cli.fenceRecord ? { fenceRecord: cli.fenceRecord } : {}),
    },
  };
}

export { parseKernelArgs };
