// Whether `disk init` may overwrite what is in the area: what the blocks hold, and whether a node is writing to them.

import { idText } from "./block.ts";
import type { Header } from "./header.ts";
import type { MailboxMessage } from "./mailbox.ts";
import type { BlockResult } from "./result.ts";
import type { HeartbeatSlot } from "./slot.ts";
import type { AreaSnapshot } from "./snapshot.ts";
import type { DiskTimers } from "./timers.ts";

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
  const refuse = (found: FoundKind, why: string): InitCheck => ({ found, refusal: `refusing to initialise ${s.device} at offset ${s.offset}: ${why}` });
  const h = s.header;
  if (h.kind === "foreign-cluster") {
    return refuse("foreign-cluster", `the area belongs to another cluster (cluster id ${idText(h.clusterId)}, this cluster is ${idText(clusterId)}); check the device and offset, or pass --force`);
  }
  if (h.kind === "bad-auth" || h.kind === "malformed") {
    return refuse("untrusted-header", `a clusterguard header is there but cannot be trusted (${h.detail}); another cluster's area or a changed authkey? pass --force to overwrite it`);
  }
  const blocks = [h, ...s.slots, ...s.mailboxes];
  if (h.kind !== "ok") {
    const other = blocks.find((b) => b.kind !== "empty" && b.kind !== "ok");
    if (other !== undefined) {
      return refuse("other-data", `the area is not blank (${other.detail}); initialising would overwrite that data: check the device and offset, or pass --force`);
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
  return "node" in v ? `node ${v.node} incarnation ${v.incarnation} seq ${v.seq}` : `${v.type} from ${v.sender} seq ${v.seq}`;
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
    if (a !== undefined && b !== undefined && differs(a, b)) return `slot ${i}'s heartbeat changed ${within} (from ${blockText(a)} to ${blockText(b)}): a node is writing to this area`;
  }
  for (let i = 0; i < before.mailboxes.length; i++) {
    const [a, b] = [before.mailboxes[i], after.mailboxes[i]];
    if (a !== undefined && b !== undefined && differs(a, b)) return `slot ${i}'s mailbox changed ${within} (from ${blockText(a)} to ${blockText(b)}): a node is fencing through this area`;
  }
  if (differs(before.header, after.header)) return `the header changed ${within}: something else is writing to this area`;
  return undefined;
}
