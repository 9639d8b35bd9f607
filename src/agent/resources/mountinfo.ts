// Read /proc/self/mountinfo: what is mounted at a directory (every mount stacked there, the topmost last).
import { readFileSync, realpathSync } from "node:fs";

/** One mount as mountinfo lists it: its source, file system type and device number ("major:minor"). */
export interface MountEntry {
  source: string;
  fstype: string;
  devno: string;
}

/** Every mount on `target`, bottom first (later lines are mounted on top of earlier ones); [] when none. */
export function mountsAt(target: string, mountinfo = "/proc/self/mountinfo"): MountEntry[] {
  const want = canonicalDir(target);
  const found: MountEntry[] = [];
  for (const line of readFileSync(mountinfo, "utf8").split("\n")) {
    const [left = "", right = ""] = line.split(" - ");
    const fields = left.split(" ");
    const point = fields[4];
    if (point === undefined || unescapeOctal(point) !== want) continue;
    const [fstype = "", source = ""] = right.split(" ");
    found.push({ source: unescapeOctal(source), fstype, devno: fields[2] ?? "" });
  }
  return found;
}

/** One line of mountinfo in full, as the switchover's freeze plan needs it. */
export interface MountLine {
  id: number;
  parent: number;
  /** "major:minor" as listed (an anonymous 0:N for btrfs and the like). */
  devno: string;
  point: string;
  fstype: string;
  source: string;
  /** The file system itself is read-only (its super options say ro), whatever each mount of it says. */
  readOnly: boolean;
}

/** Every line of a mountinfo text, in its order; lines that do not parse are skipped. */
export function parseMountinfo(text: string): MountLine[] {
  const out: MountLine[] = [];
  for (const line of text.split("\n")) {
    const [left = "", right = ""] = line.split(" - ");
    const f = left.split(" ");
    const [fstype = "", source = "", superOptions = ""] = right.split(" ");
    const id = Number(f[0]);
    const parent = Number(f[1]);
    if (f.length < 6 || !Number.isInteger(id) || !Number.isInteger(parent) || fstype === "") continue;
    out.push({
      id,
      parent,
      devno: f[2] ?? "",
      point: unescapeOctal(f[4] ?? ""),
      fstype,
      source: unescapeOctal(source),
      readOnly: superOptions.split(",").includes("ro"),
    });
  }
  return out;
}

/** The mount on top of `target`: its source and file system type; null when `target` is not a mount point. */
export function mountedAt(
  target: string,
  mountinfo = "/proc/self/mountinfo",
): { source: string; fstype: string } | null {
  const top = mountsAt(target, mountinfo).at(-1);
  return top === undefined ? null : { source: top.source, fstype: top.fstype };
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
