// Shared fixtures for the disk tests: key, cluster, timers, sample blocks, temp files, loop devices, fd flags.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statfsSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterIdOf } from "../../src/protocol/cluster-id.ts";
import { computeMac } from "../../src/protocol/mac.ts";
import type { BlockAuth } from "../../src/disk/block.ts";
import type { HeartbeatSlot, MailboxMessage } from "../../src/disk/slot.ts";
import type { DiskTimers } from "../../src/disk/header.ts";
import { MAC_AT } from "../../src/disk/block.ts";

export const KEY = new TextEncoder().encode("disk test authkey, 32 bytes.....");
export const OTHER_KEY = new TextEncoder().encode("another cluster's authkey.......");
export const CLUSTER = "lab-cluster";
export const CLUSTER_ID = clusterIdOf(CLUSTER);
export const AUTH: BlockAuth = { key: KEY, clusterId: CLUSTER_ID };
export const TIMERS: DiskTimers = { keepaliveMs: 200, deadtimeMs: 5000, msgwaitMs: 10000, watchdogTimeoutMs: 5000 };
export const MiB = 1024 * 1024;

/** A valid heartbeat slot, with fields overridden as given. */
export function sampleSlot(overrides: Partial<HeartbeatSlot> = {}): HeartbeatSlot {
  return {
    node: "node-a",
    incarnation: 1_700_000_000_000,
    seq: 42,
    role: "ACTIVE",
    writtenAt: 1_700_000_123_456,
    uptimeMs: 98_765,
    writer: 2 ** 52 + 12_345,
    ...overrides,
  };
}

/** A valid poison pill, with fields overridden as given. */
export function sampleMailbox(overrides: Partial<MailboxMessage> = {}): MailboxMessage {
  return {
    type: "reset",
    sender: "node-b",
    senderIncarnation: 1_700_000_000_999,
    seq: 7,
    writtenAt: 1_700_000_200_000,
    targetIncarnation: 1_700_000_100_000,
    ...overrides,
  };
}

/** Recomputes a block's trailing HMAC in place, so edited fields stay authentic. */
export function resign(block: Uint8Array, key: Uint8Array = KEY): Uint8Array {
  block.set(computeMac(key, block.subarray(0, MAC_AT)), MAC_AT);
  return block;
}

/** A directory on a real (non-tmpfs) disk, removed by the returned cleanup. */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "cg-disk-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** File system type name of `path` as `stat -f -c %T` reports it. */
export function fsTypeOf(path: string): string {
  return execFileSync("stat", ["-f", "-c", "%T", path]).toString().trim();
}

/** True when `path` is on tmpfs (statfs magic 0x01021994). */
export function onTmpfs(path: string): boolean {
  return statfsSync(path).type === 0x01021994;
}

/** Creates a sparse zero file of `bytes` bytes. */
export function blankFile(path: string, bytes: number = 4 * MiB): string {
  writeFileSync(path, "");
  truncateSync(path, bytes);
  return path;
}

/** The open flags of one of this process's descriptors, from /proc/self/fdinfo. */
export function fdFlags(fd: number): number {
  const text = readFileSync(`/proc/self/fdinfo/${fd}`, "utf8");
  const match = /^flags:\s*([0-7]+)/m.exec(text);
  if (!match?.[1]) throw new Error(`fdinfo of fd ${fd}: expected a flags line, got ${JSON.stringify(text)}`);
  return Number.parseInt(match[1], 8);
}

/** Attaches a loop device over `file`; undefined (and why) when losetup does not work here. */
export function attachLoop(file: string): { device?: string; why?: string } {
  try {
    return { device: execFileSync("losetup", ["--find", "--show", file]).toString().trim() };
  } catch (error) {
    return { why: `losetup failed: ${String(error).split("\n")[0]}` };
  }
}

/** Detaches a loop device; never throws. */
export function detachLoop(device: string): void {
  try {
    execFileSync("losetup", ["-d", device]);
  } catch {
    // Already gone.
  }
}

/** Runs `fn` with a loop device over a fresh 4 MiB file, detached and removed in a finally; skips when unavailable. */
export async function withLoopDevice(fn: (device: string, backing: string) => Promise<void>): Promise<boolean> {
  const { dir, cleanup } = scratchDir();
  const backing = blankFile(join(dir, "loop-backing.img"));
  const { device, why } = attachLoop(backing);
  try {
    if (device === undefined) {
      console.log(`  (skipped: ${why})`);
      return false;
    }
    await fn(device, backing);
    return true;
  } finally {
    if (device !== undefined) detachLoop(device);
    cleanup();
  }
}

/** Polls `cond` every 10 ms until true, or fails after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
