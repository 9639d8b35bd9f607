// The handover snapshot: what the process holding this boot's links passes to the one taking them over.
import { readFileSync } from "node:fs";
import { CHANNEL_KINDS, ROLES, type Role } from "../core/types.ts";
import type { ReceiverState } from "./receiver.ts";

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
  /** The receiver's replay memory per link: frames accepted before the hand-over stay refused after it. */
  receiver?: ReceiverState;
  /** The peer boot this node fenced, if any: its frames stay refused. */
  fencedIncarnation?: number | null;
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
  if (o.fencedIncarnation !== undefined && o.fencedIncarnation !== null && !isCount(o.fencedIncarnation)) {
    return `fencedIncarnation: expected a non-negative integer or null, got ${String(o.fencedIncarnation)}`;
  }
  if (o.receiver !== undefined) {
    const bad = receiverProblem(o.receiver);
    if (bad) return `receiver.${bad}`;
  }
  return o as unknown as HandoverSnapshot;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Why `v` is not a ReceiverState (links by kind, senders by name, each {incarnation, top, seen}), or null. */
function receiverProblem(v: unknown): string | null {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "expected an object of links";
  for (const [link, senders] of Object.entries(v)) {
    if (!(CHANNEL_KINDS as readonly string[]).includes(link)) return `${link}: expected one of ${CHANNEL_KINDS.join(", ")}`;
    if (senders === null || typeof senders !== "object" || Array.isArray(senders)) return `${link}: expected an object of senders`;
    for (const [node, st] of Object.entries(senders as Record<string, unknown>)) {
      const w = st as Record<string, unknown> | null;
      if (w === null || typeof w !== "object") return `${link}.${node}: expected {incarnation, top, seen}`;
      if (!isCount(w.incarnation) || !isCount(w.top)) return `${link}.${node}: expected non-negative integers incarnation and top`;
      if (typeof w.seen !== "string" || !/^[0-9a-f]{1,16}$/.test(w.seen)) return `${link}.${node}.seen: expected 1-16 hex digits, got ${String(w.seen)}`;
    }
  }
  return null;
}
