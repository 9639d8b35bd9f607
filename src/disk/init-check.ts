// Whether `disk init` may overwrite what is in the area: blank, or this cluster's area with no live slot.

import { formatAge } from "./age.ts";
import { idText } from "./block.ts";
import type { BlockResult } from "./result.ts";
import type { HeartbeatSlot } from "./slot.ts";
import type { AreaSnapshot } from "./snapshot.ts";

/** What was found in the area before init. */
export type FoundKind = "blank" | "own-cluster" | "foreign-cluster" | "untrusted-header" | "other-data";

/** The verdict: what is there, and the refusal reason when overwriting needs --force. */
export type InitCheck = { found: FoundKind; refusal: string | undefined };

/** The first slot written within 2 x deadtime of `now`, as "node a's slot was written 1.2 s ago". */
function liveSlot(slots: BlockResult<HeartbeatSlot>[], deadtimeMs: number, now: number): string | undefined {
  for (const slot of slots) {
    if (slot.kind === "ok" && now - slot.value.writtenAt < 2 * deadtimeMs) {
      return `node ${slot.value.node}'s slot was written ${formatAge(slot.value.writtenAt, now)} (a live cluster); stop both nodes or pass --force`;
    }
  }
  return undefined;
}

/** Decides whether init may write; `deadtimeMs` is used when no readable header gives one. */
export function checkBeforeInit(s: AreaSnapshot, clusterId: number, deadtimeMs: number, now: number): InitCheck {
  const refuse = (found: FoundKind, why: string): InitCheck => ({ found, refusal: `refusing to initialise ${s.device} at offset ${s.offset}: ${why}` });
  const h = s.header;
  if (h.kind === "ok") {
    const live = liveSlot(s.slots, h.value.timers.deadtimeMs, now);
    return live === undefined ? { found: "own-cluster", refusal: undefined } : refuse("own-cluster", live);
  }
  if (h.kind === "foreign-cluster") {
    return refuse("foreign-cluster", `the area belongs to another cluster (cluster id ${idText(h.clusterId)}, this cluster is ${idText(clusterId)}); check the device and offset, or pass --force`);
  }
  if (h.kind === "bad-auth" || h.kind === "malformed") {
    return refuse("untrusted-header", `a clusterguard header is there but cannot be trusted (${h.detail}); another cluster's area or a changed authkey? pass --force to overwrite it`);
  }
  const blocks = [h, ...s.slots, ...s.mailboxes];
  const other = blocks.find((b) => b.kind !== "empty" && b.kind !== "ok");
  if (other !== undefined) {
    return refuse("other-data", `the area is not blank (${other.detail}); initialising would overwrite that data: check the device and offset, or pass --force`);
  }
  const live = liveSlot(s.slots, deadtimeMs, now);
  if (live !== undefined) return refuse("own-cluster", live);
  return { found: blocks.every((b) => b.kind === "empty") ? "blank" : "own-cluster", refusal: undefined };
}
