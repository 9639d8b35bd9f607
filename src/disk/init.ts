// `clusterguard disk init`: write a fresh header and blank slots and mailboxes, unless that would hurt a live or foreign area.
//
// Write order: old header zeroed first, then the four slot/mailbox blocks, then the new header, then
// read back. An interrupted init therefore never leaves a valid header over stale slots.

import { clusterIdOf } from "../protocol/cluster-id.ts";
import type { IoMode } from "./aligned-io.ts";
import { DiskArea } from "./area.ts";
import type { Header } from "./header.ts";
import { makeHeader } from "./header.ts";
import type { FoundKind } from "./init-check.ts";
import { checkBeforeInit } from "./init-check.ts";
import { AREA_BLOCKS, BLOCK_SIZE, HEADER_BLOCK } from "./layout.ts";
import { describeRejection } from "./result.ts";
import { readSnapshot } from "./snapshot.ts";
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
  /** Overwrite a live, foreign or non-blank area. */
  force?: boolean;
  /** Wall clock in ms (tests inject it). */
  now?: () => number;
  log?: (line: string) => void;
};

/** What initDisk did: wrote the area (possibly over something, with force), or refused and wrote nothing. */
export type InitResult =
  | { kind: "initialised"; device: string; offset: number; mode: IoMode; header: Header; found: FoundKind; overrode: string | undefined }
  | { kind: "refused"; device: string; offset: number; mode: IoMode; found: FoundKind; reason: string };

/** Throws RangeError naming the first invalid option. */
function validate(o: InitOptions): void {
  if (typeof o.clusterName !== "string" || o.clusterName.length === 0) {
    throw new RangeError(`initDisk: clusterName: expected a non-empty string, got ${JSON.stringify(o.clusterName)}`);
  }
  if (!(o.key instanceof Uint8Array) || o.key.length === 0) throw new RangeError("initDisk: key: expected a non-empty Uint8Array");
  const problem = timersProblem(o.timers);
  if (problem !== undefined) throw new RangeError(`initDisk: ${problem}`);
}

/** Writes the header and zeroes the slots and mailboxes, after the safety checks; DiskIoError on I/O failure. */
export async function initDisk(o: InitOptions): Promise<InitResult> {
  validate(o);
  const offset = o.offset ?? 0;
  const now = (o.now ?? Date.now)();
  const clusterId = clusterIdOf(o.clusterName);
  const area = await DiskArea.open(o.device, offset, { key: o.key, clusterId }, { log: o.log });
  try {
    const check = checkBeforeInit(await readSnapshot(area), clusterId, o.timers.deadtimeMs, now);
    const base = { device: o.device, offset, mode: area.mode, found: check.found };
    if (check.refusal !== undefined && o.force !== true) return { kind: "refused", ...base, reason: check.refusal };
    if (check.refusal !== undefined) o.log?.(`--force given, overwriting anyway; without it: ${check.refusal}`);
    const zero = new Uint8Array(BLOCK_SIZE);
    for (let block = HEADER_BLOCK; block < AREA_BLOCKS; block++) await area.writeBlock(block, zero);
    const header = makeHeader(clusterId, o.timers, Math.floor(now));
    await area.writeHeader(header);
    const back = await area.readHeader();
    if (back.kind !== "ok") throw new Error(`initDisk: read back of the header written to ${o.device} at offset ${offset}: expected ok, got ${describeRejection(back)}`);
    return { kind: "initialised", ...base, header, overrode: check.refusal };
  } finally {
    await area.close();
  }
}
