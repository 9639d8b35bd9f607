// The rd.clusterguard.* kernel arguments, read and validated in one place.
import { getarg, getargbool, splitCmdline } from "./cmdline.ts";

export interface KernelArgs {
  /** rd.clusterguard=0 is the documented escape hatch: boot without the guard. */
  enabled: boolean;
  /** rd.clusterguard.node=NAME: which node this machine is. */
  node: string | null;
  /** rd.clusterguard.address=IP[/PREFIX]: this node's heartbeat address, overriding the config. */
  address: string | null;
  /** rd.clusterguard.interface=IFNAME: the heartbeat NIC the guard brings up in the initrd. */
  interface: string | null;
  /** rd.clusterguard.debug: log every heartbeat decision. */
  debug: boolean;
}

/** Read the rd.clusterguard.* arguments from a kernel command line. */
export function parseKernelArgs(cmdline: string): KernelArgs {
  const words = splitCmdline(cmdline);
  return {
    enabled: getargbool(words, "rd.clusterguard", true),
    node: emptyToNull(getarg(words, "rd.clusterguard.node")),
    address: emptyToNull(getarg(words, "rd.clusterguard.address")),
    interface: emptyToNull(getarg(words, "rd.clusterguard.interface")),
    debug: getargbool(words, "rd.clusterguard.debug", false),
  };
}

function emptyToNull(v: string | null): string | null {
  return v === null || v === "" ? null : v;
}
