// The configurator's judgements, pure: a line diff of the edit against the running file, and what a change still
// needs once written (the guard in the initrd reads some sections, the agent others).
import type { ClusterConfig } from "../config/index.ts";

/** One line of a diff: kept, removed from the running file, or added by the edit; with its line numbers. */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
  /** Line in the running file (kept and removed lines). */
  old?: number;
  /** Line in the edit (kept and added lines). */
  new?: number;
}

/** The largest middle section (after the common head and tail) diffed line by line; beyond, replaced whole. */
const MAX_CELLS = 4_000_000;

/** A line diff of `before` and `after` (longest common subsequence over what differs between head and tail). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: " ", text: a[i] as string, old: i + 1, new: i + 1 });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  // A loop, not a spread: a spread of a few hundred thousand lines overflows the call's argument limit.
  for (const d of middle(am, bm, head)) out.push(d);
  for (let i = tail; i > 0; i--)
    out.push({ op: " ", text: a[a.length - i] as string, old: a.length - i + 1, new: b.length - i + 1 });
  return out;
}

/** Only the changed lines, with up to `context` kept lines around each change. */
export function changesOnly(diff: DiffLine[], context = 2): (DiffLine | { op: "..." })[] {
  const near = diff.map(() => false);
  diff.forEach((d, i) => {
    if (d.op === " ") return;
    for (let j = Math.max(0, i - context); j <= Math.min(diff.length - 1, i + context); j++) near[j] = true;
  });
  const out: (DiffLine | { op: "..." })[] = [];
  diff.forEach((d, i) => {
    if (near[i]) out.push(d);
    else if (i > 0 && near[i - 1]) out.push({ op: "..." });
  });
  return out;
}

function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function middle(a: string[], b: string[], offset: number): DiffLine[] {
  const removed = (i: number): DiffLine => ({ op: "-", text: a[i] as string, old: offset + i + 1 });
  const added = (j: number): DiffLine => ({ op: "+", text: b[j] as string, new: offset + j + 1 });
  if (a.length * b.length > MAX_CELLS) return [...a.map((_, i) => removed(i)), ...b.map((_, j) => added(j))];
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      (lcs[i] as Uint32Array)[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as Uint32Array)[j] as number, (lcs[i] as Uint32Array)[j + 1] as number);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: " ", text: a[i] as string, old: offset + i + 1, new: offset + j + 1 });
      i++;
      j++;
    } else if (((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number))
      out.push(removed(i++));
    else out.push(added(j++));
  }
  while (i < a.length) out.push(removed(i++));
  while (j < b.length) out.push(added(j++));
  return out;
}

// What a written config still needs before it is in force.

/** The sections the guard reads in the initrd (it decides the roles and fences with them). */
const GUARD_SECTIONS = ["cluster", "node", "timers", "channels", "fencing"] as const;
/** The sections only the agent reads. */
const AGENT_SECTIONS = ["management", "web", "monitor", "resource"] as const;

/** For each changed section, what puts it in force; empty when nothing changed. */
export function restartNeeds(running: ClusterConfig, next: ClusterConfig): string[] {
  const changed = (k: keyof ClusterConfig) => JSON.stringify(running[k]) !== JSON.stringify(next[k]);
  const guard = GUARD_SECTIONS.filter(changed);
  const agent = AGENT_SECTIONS.filter(changed);
  const out: string[] = [];
  if (guard.length > 0)
    out.push(
      `[${guard.join("], [")}] changed: the guard reads them at boot from its initrd, so they take effect when each node boots the regenerated initrd; reboot the STANDBY first, then hand over (clusterguard standby) and reboot the other. Both nodes must boot the same config.`,
    );
  if (agent.length > 0)
    out.push(
      `[${agent.join("], [")}] changed: restart the agent on the ACTIVE (systemctl restart clusterguard-agent: it hands its links over, heartbeats go on).`,
    );
  return out;
}
