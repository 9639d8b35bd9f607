// Why activation is refused: a pending poison pill, an own mailbox never read, a watchdog not armed (each clears on its
// own), or another machine running as this node (cleared only by a reboot: the admin fixes that machine's boot entry).
import type { CoreState } from "./state.ts";

/** What can block activation (and fencing, which only serves activation). */
export type BlockKind = "twin" | "pill" | "mailbox" | "slot" | "watchdog";

/**
 * A prerequisite of activation that the shell checks and reports: this node's mailbox read, its own disk slot read
 * back after its first write (no other machine writes it), its watchdog armed.
 */
export type SafetyCheck = "mailbox" | "slot" | "watchdog";

/** One reason activation is refused. */
export interface Block {
  reason: string;
  /** Only waiting for the check's first answer (a normal boot clears it within one mailbox read); false once it failed. */
  pending: boolean;
}

export type Blocks = Partial<Record<BlockKind, Block>>;

const ORDER: readonly BlockKind[] = ["twin", "pill", "mailbox", "slot", "watchdog"];

const PENDING: Record<SafetyCheck, string> = {
  mailbox: "own mailbox not read yet (clean start: a poison pill may be pending in this node's slot)",
  slot: "own disk slot not read back yet after this node's first write (a machine booted as this node would show there)",
  watchdog: "watchdog not armed yet (a poison-pill level is configured: the peer counts an unanswered pill as a fence)",
};

/** The blocks a guard starts with: every required check pending until the shell reports it. */
export function initialBlocks(requires: readonly SafetyCheck[]): Blocks {
  const b: Blocks = {};
  for (const c of requires) b[c] = { reason: PENDING[c], pending: true };
  return b;
}

/** Why activation is refused now: every block's reason, joined in a fixed order; null when nothing blocks. */
export function blockedBy(s: Pick<CoreState, "blocks">): string | null {
  const reasons = ORDER.flatMap((k) => (s.blocks[k] ? [s.blocks[k]!.reason] : []));
  return reasons.length === 0 ? null : reasons.join("; ");
}

/** Set (or replace) one block. */
export function setBlock(s: CoreState, kind: BlockKind, block: Block): void {
  s.blocks = { ...s.blocks, [kind]: block };
}

/** Lift one block; returns the block that was lifted, or undefined when it was not set. */
export function clearBlock(s: CoreState, kind: BlockKind): Block | undefined {
  const was = s.blocks[kind];
  if (!was) return undefined;
  const { [kind]: _gone, ...rest } = s.blocks;
  s.blocks = rest;
  return was;
}

/** True while something blocks and every block is still only waiting for its first answer. */
export function onlyPending(s: CoreState): boolean {
  const all = Object.values(s.blocks);
  return all.length > 0 && all.every((b) => b?.pending === true);
}
