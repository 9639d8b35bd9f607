// Refuse to delete a tree that still has something mounted below it (a crashed chroot's /proc, /sys, /dev).
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Throw, naming the mounts, when anything is mounted at or below `dir`. */
export function assertNothingMounted(dir: string): void {
  if (!existsSync(dir)) return;
  const abs = resolve(dir);
  const below = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m === abs || m.startsWith(`${abs}/`));
  if (below.length > 0)
    throw new Error(`refusing to delete ${abs}: still mounted below it: ${below.join(", ")} (umount -R them first)`);
}
