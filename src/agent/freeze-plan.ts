// What a switchover must make unwritable before STOPPED: every file system on a shared disk and every [[resource]]
// mount a release left behind, children before parents (the root is frozen last, by the caller); or why STOPPED may
// not be announced at all.
import type { Held } from "./resources/resource.ts";
import type { MountLine } from "./resources/mountinfo.ts";

/** A block device as /sys/class/block shows it. */
export interface BlockDevice {
  name: string;
  devno: string;
  /** The device a partition is on (its parent in sysfs); null when it is no partition. */
  partOf: string | null;
  /** What a device-mapper or md device is built on (its slaves/ folder). */
  slaves: string[];
}

/** What the plan is made from: the mounts, the block devices, and the devices that make their disks shared. */
export interface MountFacts {
  mounts: MountLine[];
  blocks: BlockDevice[];
  /** Devices whose disks are shared, each with what it is ("the heartbeat area", "mount resource data"). */
  shared: { devno: string; what: string }[];
  /** The root file system's disk is shared too (a node booted from shared storage; not in host mode). */
  rootShared: boolean;
}

/** One mount point to make unwritable, and what it is (for the messages). */
export interface FreezeStep {
  target: string;
  what: string;
}

/** The mount points to freeze (or remount read-only) before STOPPED, in order; why not at all (non-empty: abort). */
export interface FreezePlan {
  freeze: FreezeStep[];
  refuse: string[];
  /** The shared whole disks, for the log. */
  disks: string[];
}

export const NO_MOUNTS: MountFacts = { mounts: [], blocks: [], shared: [], rootShared: false };

/**
 * Every writable file system whose device sits on a shared disk (the root's and the heartbeat area's disks, and each
 * mount resource's, through partitions and device-mapper slaves), and each held [[resource]] mount: each file system
 * once, deepest mount point first. The root's file system is left out: the caller freezes it last. One that is
 * hidden under another mount (no path reaches it) or a stuck [[resource]] mount refuses.
 */
export function freezePlan(held: readonly Held[], facts: MountFacts = NO_MOUNTS): FreezePlan {
  const refuse: string[] = [];
  const steps: (FreezeStep & { devno: string | null; order: number })[] = [];
  const root = lookup(facts.mounts, "/");
  const seen = new Set<string>(root ? [root.devno] : []);
  const add = (target: string, what: string, devno: string | null, order: number) => {
    if (devno !== null && seen.has(devno)) return;
    if (devno !== null) seen.add(devno);
    if (!steps.some((s) => s.target === target)) steps.push({ target, what, devno, order });
  };
  for (const h of held) {
    if (h.state === "stuck") refuse.push(h.detail);
    if (h.state !== "held") continue;
    const m = lookup(facts.mounts, h.target);
    const at = m && m.point === h.target ? m : null;
    add(h.target, h.detail, at?.devno ?? null, at ? facts.mounts.indexOf(at) : facts.mounts.length);
  }
  const disks = sharedDisks(facts, root, refuse);
  const onShared = (m: MountLine) => disksOf(m.devno, facts.blocks).filter((d) => disks.has(d));
  const groups = new Map<string, MountLine[]>();
  for (const m of facts.mounts) {
    if (m.readOnly || seen.has(m.devno) || onShared(m).length === 0) continue;
    groups.set(m.devno, [...(groups.get(m.devno) ?? []), m]);
  }
  for (const [devno, ms] of groups) {
    const first = ms[0]!;
    const what = `${first.fstype} ${first.source} (shared disk ${onShared(first).join(", ")})`;
    const reachable = ms.find((m) => lookup(facts.mounts, m.point) === m);
    if (reachable === undefined) {
      const over = lookup(facts.mounts, first.point);
      refuse.push(
        `${first.point}: ${what} is hidden under ${over ? `${over.source} on ${over.point}` : "another mount"}: no path reaches it to freeze it`,
      );
      continue;
    }
    add(reachable.point, `${reachable.point}: ${what}`, devno, facts.mounts.indexOf(reachable));
  }
  steps.sort((a, b) => depth(b.target) - depth(a.target) || b.order - a.order);
  return { freeze: steps.map(({ target, what }) => ({ target, what })), refuse, disks: [...disks].sort() };
}

/** The whole disks a device sits on: itself, the disk under a partition, or those under a dm/md device's slaves. */
export function disksOf(devno: string, blocks: readonly BlockDevice[]): string[] {
  const byName = new Map(blocks.map((b) => [b.name, b]));
  const found = new Set<string>();
  const visit = (b: BlockDevice | undefined, depth: number) => {
    if (b === undefined || depth > 16) return;
    if (b.slaves.length > 0) for (const s of b.slaves) visit(byName.get(s), depth + 1);
    else if (b.partOf !== null) visit(byName.get(b.partOf), depth + 1);
    else found.add(b.name);
  };
  visit(
    blocks.find((b) => b.devno === devno),
    0,
  );
  return [...found].sort();
}

/** The disks of the shared devices, and the root's when it is shared; a block device with no known disk refuses. */
function sharedDisks(facts: MountFacts, root: MountLine | null, refuse: string[]): Set<string> {
  const devices = [...facts.shared];
  if (facts.rootShared && root && !root.devno.startsWith("0:"))
    devices.push({ devno: root.devno, what: `the root file system (${root.source})` });
  const out = new Set<string>();
  for (const d of devices) {
    const found = disksOf(d.devno, facts.blocks);
    if (found.length === 0)
      refuse.push(`cannot tell which disk holds ${d.what}: device ${d.devno} is not in /sys/class/block`);
    for (const name of found) out.add(name);
  }
  return out;
}

/**
 * The mount a path lookup of `path` ends in: from the namespace's root, into the child mount met first on the way
 * (the shortest mount point leading to `path`; the latest of equals, which is on top), until there is none.
 */
export function lookup(mounts: readonly MountLine[], path: string): MountLine | null {
  const ids = new Set(mounts.map((m) => m.id));
  let cur = mounts.filter((m) => m.point === "/" && (!ids.has(m.parent) || m.parent === m.id)).at(-1) ?? null;
  for (let i = 0; cur !== null && i < mounts.length; i++) {
    const here: MountLine = cur;
    let next: MountLine | null = null;
    for (const m of mounts) {
      if (m.parent !== here.id || m.id === here.id || !leadsTo(m.point, path)) continue;
      if (next === null || m.point.length <= next.point.length) next = m;
    }
    if (next === null) return here;
    cur = next;
  }
  return cur;
}

/** `point` is `path` or one of its ancestors. */
function leadsTo(point: string, path: string): boolean {
  return point === path || point === "/" || path.startsWith(`${point}/`);
}

function depth(path: string): number {
  return path.split("/").filter((s) => s !== "").length;
}
