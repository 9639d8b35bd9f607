// The rd.clusterguard.* kernel arguments, read and validated in one place.
import { readFileSync } from "node:fs";

/** The kernel command line, or "" where /proc is not readable (then --node must be given). */
export function readCmdline(path = "/proc/cmdline"): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Parse "ADDR[/PREFIX]" (rd.clusterguard.address); the prefix defaults to 24 (IPv4) or 64 (IPv6). */
export function splitCidr(text: string): { address: string; prefix: number } {
  const [address = "", p] = text.split("/");
  const prefix = p === undefined ? (address.includes(":") ? 64 : 24) : Number(p);
  return { address, prefix };
}

/**
 * Values of rd.clusterguard that switch the guard off: dracut's getargbool false values, matched exactly. The
 * initrd unit's ConditionKernelCommandLine lines and the dracut hook (clusterguard-lib.sh) skip the guard for the
 * same words, on any occurrence, as systemd matches them.
 */
export const GUARD_OFF_VALUES = ["0", "no", "off"] as const;
/** Values that leave the guard on without comment. */
const GUARD_ON_VALUES = ["", "1", "yes", "on", "true"];

export interface KernelArgs {
  /** False when any word rd.clusterguard=0, =no or =off is on the command line: boot without the guard. */
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
    enabled: guardOffWord(words) === null,
    node: emptyToNull(getarg(words, "rd.clusterguard.node")),
    address: emptyToNull(getarg(words, "rd.clusterguard.address")),
    interface: emptyToNull(getarg(words, "rd.clusterguard.interface")),
    debug: getargbool(words, "rd.clusterguard.debug", false),
  };
}

/** The first word that switches the guard off (rd.clusterguard=0, =no or =off), or null. */
export function guardOffWord(words: readonly string[]): string | null {
  return words.find((w) => (GUARD_OFF_VALUES as readonly string[]).some((v) => w === `rd.clusterguard=${v}`)) ?? null;
}

/** rd.clusterguard=VALUE words that look like a switch but are not an off spelling: the guard runs, and says why. */
export function ignoredGuardSwitches(cmdline: string): string[] {
  const prefix = "rd.clusterguard=";
  return splitCmdline(cmdline).filter(
    (w) => w.startsWith(prefix) && ![...GUARD_OFF_VALUES, ...GUARD_ON_VALUES].includes(w.slice(prefix.length)),
  );
}

function emptyToNull(v: string | null): string | null {
  return v === null || v === "" ? null : v;
}

// Kernel command line parsing the way dracut's getarg/getargbool read it (last occurrence wins).
/** Split a kernel command line into words, honouring double quotes. */
export function splitCmdline(text: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quoted = false;
  let has = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      has = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (has) words.push(cur);
      cur = "";
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

/** The value of the last `key=value` (or "" for a bare `key`), or null when absent. */
export function getarg(words: readonly string[], key: string): string | null {
  let found: string | null = null;
  for (const w of words) {
    if (w === key) found = "";
    else if (w.startsWith(`${key}=`)) found = w.slice(key.length + 1);
  }
  return found;
}

/** dracut's getargbool: absent -> fallback; exactly "0", "no" or "off" -> false; anything else -> true. */
export function getargbool(words: readonly string[], key: string, fallback: boolean): boolean {
  const v = getarg(words, key);
  if (v === null) return fallback;
  return !["0", "no", "off"].includes(v);
}
