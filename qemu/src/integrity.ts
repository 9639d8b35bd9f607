// After a scenario: the shared file systems are clean, every acknowledged record is there, no two writers ever.
import { join } from "node:path";
import { execa } from "execa";
import type { ConsoleEvent } from "./console.ts";
import { RUN } from "./paths.ts";
import { checkPartition, copyPartition, PARTS } from "./shared-disk.ts";

export interface Integrity {
  fsck: { clean: boolean; output: string };
  /** The shared disk's other file systems (/var/lib/lab, /boot/efi), checked as strictly as the root. */
  others: { mount: string; clean: boolean; output: string }[];
  records: number;
  acked: number;
  missing: string[];
  writers: string[];
  interleaved: boolean;
  ok: boolean;
}

/** Check the stopped lab's shared image against the acknowledgements seen on both consoles. */
export async function checkIntegrity(acks: ConsoleEvent[]): Promise<Integrity> {
  // The VMs were stopped hard: replay the journal on a copy (as the next mount would), then check strictly.
  const disk = join(RUN, "shared.img");
  const [root, ...rest] = PARTS;
  const img = await copyPartition(disk, root);
  const fsck = await checkPartition(img, root);
  const others = [];
  for (const p of rest) others.push({ mount: p.mount, ...(await checkPartition(await copyPartition(disk, p), p)) });
  const cat = await execa("debugfs", ["-R", "cat /var/lib/workload/records", img], { reject: false });
  const lines = cat.stdout.split("\n").filter((l) => l.startsWith("node="));
  const have = new Set(lines);
  const missing = acks.map((a) => `node=${a.node} boot=${a.boot} n=${a.n}`).filter((r) => !have.has(r));
  // Each writer (node, boot) must own one contiguous run of records: a return after another writer is split brain.
  const writers: string[] = [];
  let interleaved = false;
  for (const l of lines) {
    const w = l.replace(/ n=\d+$/, "");
    if (writers.at(-1) === w) continue;
    if (writers.includes(w)) interleaved = true;
    writers.push(w);
  }
  const clean = fsck.clean && others.every((o) => o.clean);
  return {
    fsck,
    others,
    records: lines.length,
    acked: acks.length,
    missing,
    writers,
    interleaved,
    ok: clean && missing.length === 0 && !interleaved && (acks.length === 0 || lines.length > 0),
  };
}
