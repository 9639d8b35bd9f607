// `clusterguard disk init`: write a fresh header and blank slots and mailboxes, unless that would hurt a live or foreign area.
//
// Liveness is watched, not inferred from timestamps: the area is read, read again over watchWindowMs, and any
// slot or mailbox that changed meanwhile means a node is writing to it. --force overrides what the content says
// (another cluster's, untrusted, not a heartbeat area, a pending pill), never a node seen writing.
//
// Write order: old header zeroed first, then the four slot/mailbox blocks, then the new header, then
// read back. An interrupted init therefore never leaves a valid header over stale slots.

import { clusterIdOf } from "../protocol/cluster-id.ts";
import type { IoMode } from "./aligned-io.ts";
import { DiskArea } from "./area.ts";
import type { Header } from "./header.ts";
import { makeHeader } from "./header.ts";
import type { FoundKind } from "./init-check.ts";
import { allEmpty, checkBeforeInit, movement, watchWindowMs } from "./init-check.ts";
import { AREA_BLOCKS, BLOCK_SIZE, HEADER_BLOCK } from "./layout.ts";
import { describeRejection } from "./result.ts";
import { type AreaSnapshot, readSnapshot } from "./snapshot.ts";
import type { DiskTimers } from "./timers.ts";
import { timersProblem } from "./timers.ts";

export type { FoundKind } from "./init-check.ts";

/** What initDisk needs. */
export type InitOptions = {
  device: string;
  /** Byte offset of the area, a multiple of 4096 (default 0). */
  offset?: number;
  clusterName: string;
  key: Uint8Array;
  timers: DiskTimers;
  /** Overwrite another cluster's area, an untrusted or non-blank one, or a pending pill (never one a node is writing). */
  force?: boolean;
  /** Wall clock in ms for the header's created-at (tests inject it). */
  now?: () => number;
  /** How long to watch for writes before writing (default watchWindowMs of the timers). */
  watchMs?: number;
  log?: (line: string) => void;
};

/** What initDisk did: wrote the area (possibly over something, with force), or refused and wrote nothing. */
export type InitResult =
  | { kind: "initialised"; device: string; offset: number; mode: IoMode; header: Header; found: FoundKind; overrode: string | undefined }
  | { kind: "refused"; device: string; offset: number; mode: IoMode; found: FoundKind; reason: string; live: boolean };

/** Throws RangeError naming the first invalid option. */
function validate(o: InitOptions): void {
  if (typeof o.clusterName !== "string" || o.clusterName.length === 0) {
    throw new RangeError(`initDisk: clusterName: expected a non-empty string, got ${JSON.stringify(o.clusterName)}`);
  }
  if (!(o.key instanceof Uint8Array) || o.key.length === 0) throw new RangeError("initDisk: key: expected a non-empty Uint8Array");
  if (o.watchMs !== undefined && !(Number.isFinite(o.watchMs) && o.watchMs >= 0)) throw new RangeError(`initDisk: watchMs: expected a non-negative number of ms, got ${o.watchMs}`);
  const problem = timersProblem(o.timers);
  if (problem !== undefined) throw new RangeError(`initDisk: ${problem}`);
}

/** Writes the header and zeroes the slots and mailboxes, after the safety checks; DiskIoError on I/O failure. */
export async function initDisk(o: InitOptions): Promise<InitResult> {
  validate(o);
  const offset = o.offset ?? 0;
  const clusterId = clusterIdOf(o.clusterName);
  const area = await DiskArea.open(o.device, offset, { key: o.key, clusterId }, { log: o.log });
  try {
    const first = await readSnapshot(area);
    const check = checkBeforeInit(first, clusterId);
    const base = { device: o.device, offset, mode: area.mode, found: check.found };
    if (check.refusal !== undefined && o.force !== true) return { kind: "refused", ...base, reason: check.refusal, live: false };
    const moved = allEmpty(first) ? undefined : await watch(area, first, o);
    if (moved !== undefined) {
      return { kind: "refused", ...base, live: true, reason: `refusing to initialise ${o.device} at offset ${offset}: ${moved}; stop clusterguard on both nodes first (--force does not override this)` };
    }
    if (check.refusal !== undefined) o.log?.(`--force given, overwriting anyway; without it: ${check.refusal}`);
    const zero = new Uint8Array(BLOCK_SIZE);
    for (let block = HEADER_BLOCK; block < AREA_BLOCKS; block++) await area.writeBlock(block, zero);
    const header = makeHeader(clusterId, o.timers, Math.floor((o.now ?? Date.now)()));
    await area.writeHeader(header);
    const back = await area.readHeader();
    if (back.kind !== "ok") throw new Error(`initDisk: read back of the header written to ${o.device} at offset ${offset}: expected ok, got ${describeRejection(back)}`);
    return { kind: "initialised", ...base, header, overrode: check.refusal };
  } finally {
    await area.close();
  }
}

/** Re-read the area until the watch window ends; what changed since `first`, or undefined when nothing did. */
async function watch(area: DiskArea, first: AreaSnapshot, o: InitOptions): Promise<string | undefined> {
  const header = first.header.kind === "ok" ? first.header.value : undefined;
  const windowMs = o.watchMs ?? watchWindowMs(o.timers, header);
  const pollMs = Math.min(500, Math.max(20, Math.floor(o.timers.keepaliveMs / 2)));
  o.log?.(`watching ${o.device} at offset ${area.offset} for ${(windowMs / 1000).toFixed(1)} s: a node that writes to it in that time makes init refuse`);
  const start = performance.now();
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= windowMs) return undefined;
    await Bun.sleep(Math.min(pollMs, windowMs - elapsed));
    const moved = movement(first, await readSnapshot(area), performance.now() - start);
    if (moved !== undefined) return moved;
  }
}
