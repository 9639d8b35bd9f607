// Read /proc/self/mountinfo: what is mounted at a directory (the topmost mount there), if anything.
import { readFileSync, realpathSync } from "node:fs";

/** The mount on top of `target`: its source and file system type; null when `target` is not a mount point. */
export function mountedAt(target: string, mountinfo = "/proc/self/mountinfo"): { source: string; fstype: string } | null {
  const want = canonicalDir(target);
  let found: { source: string; fstype: string } | null = null;
  for (const line of readFileSync(mountinfo, "utf8").split("\n")) {
    const [left = "", right = ""] = line.split(" - ");
    const point = left.split(" ")[4];
    if (point === undefined || unescapeOctal(point) !== want) continue;
    const [fstype = "", source = ""] = right.split(" ");
    found = { source: unescapeOctal(source), fstype }; // later lines are mounted on top of earlier ones
  }
  return found;
}

/** The directory as the kernel names it: symlinks resolved when it exists, no trailing slash. */
export function canonicalDir(path: string): string {
  let p = path;
  try {
    p = realpathSync(path);
  } catch {
    // not there (yet): compare as written
  }
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/** mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}
