// The handover snapshot: what the process holding this boot's links passes to the one taking them over.
import { readFileSync } from "node:fs";
import type { Role } from "../core/types.ts";
import { ROLES } from "../core/types.ts";

/** Where the link holder listens for a successor (/run survives switch_root). */
export const HANDOVER_SOCKET = "/run/clusterguard/handover.sock";
/** Where an agent stopped by an admin leaves its snapshot for the next start. */
export const HANDOVER_FILE = "/run/clusterguard/handover.json";

export interface HandoverSnapshot {
  v: 1;
  /** The kernel's boot id: a snapshot from another boot is worthless. */
  bootId: string;
  node: string;
  incarnation: number;
  /** Last sequence number sent; the successor continues above it. */
  seq: number;
  peerIncarnation: number;
  peerRole: Role | null;
  /** Wall clock (ms) of the release. */
  at: number;
  /** The handoff grace announced to the peer, in ms. */
  graceMs: number;
}

let cachedBootId: string | null = null;

/**
 * This boot's id ("" where unreadable), read once: the initrd guard must read it before switch_root, after
 * which its own root (the old initramfs) no longer has /proc mounted.
 */
export function bootId(): string {
  if (cachedBootId) return cachedBootId;
  try {
    cachedBootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
  return cachedBootId;
}

/** Validates untrusted JSON as a snapshot of this boot for `node`; returns it or why not. */
export function parseSnapshot(text: string, node: string, thisBoot: string): HandoverSnapshot | string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `not JSON: ${text.slice(0, 80)}`;
  }
  if (o === null || typeof o !== "object") return "expected an object";
  if (o.v !== 1) return `version: expected 1, got ${String(o.v)}`;
  for (const k of ["incarnation", "seq", "peerIncarnation", "at", "graceMs"] as const) {
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0) return `${k}: expected a non-negative integer, got ${String(o[k])}`;
  }
  if (o.node !== node) return `node: expected ${node}, got ${String(o.node)}`;
  if (o.bootId !== thisBoot) return `bootId: expected this boot (${thisBoot}), got ${String(o.bootId)}`;
  if (o.peerRole !== null && !ROLES.includes(o.peerRole as Role)) return `peerRole: expected a role or null, got ${String(o.peerRole)}`;
  return o as unknown as HandoverSnapshot;
}
