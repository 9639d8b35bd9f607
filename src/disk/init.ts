// The admin's writes to the area: `clusterguard disk init` writes a fresh header and blank slots and mailboxes,
// unless that would hurt a live or foreign area (the checks below decide); `disk clear` empties one mailbox.
//
// Liveness is watched, not inferred from timestamps: the area is read, read again over watchWindowMs, and any
// slot or mailbox that changed meanwhile means a node is writing to it. --force overrides what the content says
// (another cluster's, untrusted, not a heartbeat area, a pending pill), never a node seen writing.
//
// Write order: old header zeroed first, then the four slot/mailbox blocks, then the new header, then
// read back. An interrupted init therefore never leaves a valid header over stale slots.

import { clusterIdOf } from "../protocol/cluster-id.ts";
import { type AreaSnapshot, DiskArea, readSnapshot } from "./area.ts";
import type { BlockResult } from "./block.ts";
import { AREA_BLOCKS, BLOCK_SIZE, describeRejection, HEADER_BLOCK, idText } from "./block.ts";
import type { DiskTimers, Header } from "./header.ts";
import { makeHeader, timersProblem } from "./header.ts";
import type { IoMode } from "./io.ts";
import type { HeartbeatSlot, MailboxMessage } from "./slot.ts";

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
  | {
      kind: "initialised";
      device: string;
      offset: number;
      mode: IoMode;
      header: Header;
      found: FoundKind;
      overrode: string | undefined;
    }
  | { kind: "refused"; device: string; offset: number; mode: IoMode; found: FoundKind; reason: string; live: boolean };

/** Throws RangeError naming the first invalid option. */
function validate(o: InitOptions): void {
  if (typeof o.clusterName !== "string" || o.clusterName.length === 0) {
    throw new RangeError(`initDisk: clusterName: expected a non-empty string, got ${JSON.stringify(o.clusterName)}`);
  }
  if (!(o.key instanceof Uint8Array) || o.key.length === 0)
    throw new RangeError("initDisk: key: expected a non-empty Uint8Array");
  if (o.watchMs !== undefined && !(Number.isFinite(o.watchMs) && o.watchMs >= 0))
    throw new RangeError(`initDisk: watchMs: expected a non-negative number of ms, got ${o.watchMs}`);
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
    if (check.refusal !== undefined && o.force !== true)
      return { kind: "refused", ...base, reason: check.refusal, live: false };
    const moved = allEmpty(first) ? undefined : await watch(area, first, o);
    if (moved !== undefined) {
      return {
        kind: "refused",
        ...base,
        live: true,
        reason: `refusing to initialise ${o.device} at offset ${offset}: ${moved}; stop clusterguard on both nodes first (--force does not override this)`,
      };
    }
    if (check.refusal !== undefined) o.log?.(`--force given, overwriting anyway; without it: ${check.refusal}`);
    const zero = new Uint8Array(BLOCK_SIZE);
    for (let block = HEADER_BLOCK; block < AREA_BLOCKS; block++) await area.writeBlock(block, zero);
    const header = makeHeader(clusterId, o.timers, Math.floor((o.now ?? Date.now)()));
    await area.writeHeader(header);
    const back = await area.readHeader();
    if (back.kind !== "ok")
      throw new Error(
        `initDisk: read back of the header written to ${o.device} at offset ${offset}: expected ok, got ${describeRejection(back)}`,
      );
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
  o.log?.(
    `watching ${o.device} at offset ${area.offset} for ${(windowMs / 1000).toFixed(1)} s: a node that writes to it in that time makes init refuse`,
  );
  const start = performance.now();
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= windowMs) return undefined;
    await Bun.sleep(Math.min(pollMs, windowMs - elapsed));
    const moved = movement(first, await readSnapshot(area), performance.now() - start);
    if (moved !== undefined) return moved;
  }
}

// Whether `disk init` may overwrite what is in the area: what the blocks hold, and whether a node is writing to them.

/** What was found in the area before init. */
export type FoundKind = "blank" | "own-cluster" | "foreign-cluster" | "untrusted-header" | "other-data";

/** The verdict on the content: what is there, and the refusal reason when overwriting needs --force. */
export type InitCheck = { found: FoundKind; refusal: string | undefined };

/** Slack on top of two keepalives when watching for writes: a loaded node's write may come late. */
export const WATCH_MARGIN_MS = 1000;

/** A mailbox message that is a fence in progress (a "test" message or a cleared one is not). */
function isPill(m: MailboxMessage): boolean {
  return m.type === "reset" || m.type === "off";
}

/** The first pending pill, as a sentence naming it, or undefined. */
function pendingPill(s: AreaSnapshot): string | undefined {
  for (const [i, mb] of s.mailboxes.entries()) {
    if (mb.kind !== "ok" || !isPill(mb.value)) continue;
    const m = mb.value;
    const slot = s.slots[i];
    const owner = slot?.kind === "ok" ? `node ${slot.value.node}` : `the node in slot ${i}`;
    return `slot ${i}'s mailbox holds a pending ${m.type} pill from ${m.sender} (sender incarnation ${m.senderIncarnation}, seq ${m.seq}, for incarnation ${m.targetIncarnation}): a fence of ${owner} may be in progress, and wiping the pill could let it count as done; clear it with \`clusterguard disk clear\` once that node is known to be down, or pass --force`;
  }
  return undefined;
}

/** Decides from the content alone whether init may write (liveness is watched separately: see movement). */
export function checkBeforeInit(s: AreaSnapshot, clusterId: number): InitCheck {
  const refuse = (found: FoundKind, why: string): InitCheck => ({
    found,
    refusal: `refusing to initialise ${s.device} at offset ${s.offset}: ${why}`,
  });
  const h = s.header;
  if (h.kind === "foreign-cluster") {
    return refuse(
      "foreign-cluster",
      `the area belongs to another cluster (cluster id ${idText(h.clusterId)}, this cluster is ${idText(clusterId)}); check the device and offset, or pass --force`,
    );
  }
  if (h.kind === "bad-auth" || h.kind === "malformed") {
    return refuse(
      "untrusted-header",
      `a clusterguard header is there but cannot be trusted (${h.detail}); another cluster's area or a changed authkey? pass --force to overwrite it`,
    );
  }
  const blocks = [h, ...s.slots, ...s.mailboxes];
  if (h.kind !== "ok") {
    const other = blocks.find((b) => b.kind !== "empty" && b.kind !== "ok");
    if (other !== undefined) {
      return refuse(
        "other-data",
        `the area is not blank (${other.detail}); initialising would overwrite that data: check the device and offset, or pass --force`,
      );
    }
  }
  const found: FoundKind = blocks.every((b) => b.kind === "empty") ? "blank" : "own-cluster";
  const pill = pendingPill(s);
  return pill === undefined ? { found, refusal: undefined } : refuse(found, pill);
}

/** True when every block is empty: init then destroys nothing, so there is nothing to watch for. */
export function allEmpty(s: AreaSnapshot): boolean {
  return [s.header, ...s.slots, ...s.mailboxes].every((b) => b.kind === "empty");
}

/**
 * How long init watches the area for writes: long enough for a live node to write its slot at least twice
 * (2 x keepalive + WATCH_MARGIN_MS), and at least deadtime, the silence after which the cluster itself calls a
 * node dead. Both the header's timers (what running nodes use) and the configured ones count; the larger wins.
 */
export function watchWindowMs(configured: DiskTimers, header: Header | undefined): number {
  const all = header === undefined ? [configured] : [configured, header.timers];
  const keepalive = Math.max(...all.map((t) => t.keepaliveMs));
  const deadtime = Math.max(...all.map((t) => t.deadtimeMs));
  return Math.max(2 * keepalive + WATCH_MARGIN_MS, deadtime);
}

/** One block as the words a change report needs. */
function blockText(b: BlockResult<HeartbeatSlot | MailboxMessage>): string {
  if (b.kind !== "ok") return b.kind;
  const v = b.value;
  return "node" in v
    ? `node ${v.node} incarnation ${v.incarnation} seq ${v.seq}`
    : `${v.type} from ${v.sender} seq ${v.seq}`;
}

/** Whether two decodes of one block differ (any field, or the kind or detail of a rejection). */
function differs(a: BlockResult<unknown> | undefined, b: BlockResult<unknown> | undefined): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

/**
 * Which heartbeat slot or mailbox changed between two reads `elapsedMs` apart, as a sentence, or undefined when
 * none did. A change of any kind counts (a higher seq, a new incarnation, a block appearing or going): only a
 * writer changes a block, and the writers' clocks are never consulted.
 */
export function movement(before: AreaSnapshot, after: AreaSnapshot, elapsedMs: number): string | undefined {
  const within = `within ${(elapsedMs / 1000).toFixed(1)} s`;
  for (let i = 0; i < before.slots.length; i++) {
    const [a, b] = [before.slots[i], after.slots[i]];
    if (a !== undefined && b !== undefined && differs(a, b))
      return `slot ${i}'s heartbeat changed ${within} (from ${blockText(a)} to ${blockText(b)}): a node is writing to this area`;
  }
  for (let i = 0; i < before.mailboxes.length; i++) {
    const [a, b] = [before.mailboxes[i], after.mailboxes[i]];
    if (a !== undefined && b !== undefined && differs(a, b))
      return `slot ${i}'s mailbox changed ${within} (from ${blockText(a)} to ${blockText(b)}): a node is fencing through this area`;
  }
  if (differs(before.header, after.header))
    return `the header changed ${within}: something else is writing to this area`;
  return undefined;
}

// `disk clear`: remove a pending message from a node's mailbox, as SBD's "message NODE clear" does.

/** What was in the mailbox and whether it was cleared. */
export type ClearResult = { cleared: boolean; before: string };

/** Overwrite slot `slot`'s mailbox with a signed "none" from `sender`; reports what it held before. */
export async function clearMailbox(
  area: DiskArea,
  slot: number,
  sender: string,
  now: number = Date.now(),
): Promise<ClearResult> {
  const r = await area.readMailbox(slot);
  const before = r.kind === "ok" ? `${r.value.type} from ${r.value.sender}` : r.kind;
  if (r.kind === "ok" && r.value.type === "none") return { cleared: false, before };
  await area.writeMailbox(slot, {
    type: "none",
    sender,
    senderIncarnation: 0,
    seq: now,
    writtenAt: now,
    targetIncarnation: 0,
  });
  return { cleared: true, before };
}
