// fsfreeze(8): freeze one mounted file system after a sync, or thaw it again (the planned switchover; the checkpoint
// after a new guard initrd); and the fallback for a file system that cannot be frozen (vfat, tmpfs): remount it read-only, or writable again.
import { execa } from "execa";

/** Freeze the file system mounted at `path` (flushes it and blocks every further write); null when frozen, else why not. */
export async function freezePath(path: string): Promise<string | null> {
  await execa("sync", [], { reject: false, timeout: 60000 });
  return fsfreeze("--freeze", path);
}

/** Thaw `path` (an aborted switchover gives it back to the services); null when thawed, else why not. */
export function thawPath(path: string): Promise<string | null> {
  return fsfreeze("--unfreeze", path);
}

/** Remount the file system at `path` read-only (its super block: every mount of it) or writable; null when done, else why not. */
export async function remountPath(path: string, mode: "ro" | "rw"): Promise<string | null> {
  const r = await execa("mount", ["-o", `remount,${mode}`, path], { reject: false, timeout: 60000 });
  // mount(8) adds a second line pointing at dmesg: the first says what failed.
  return r.exitCode === 0
    ? null
    : `mount -o remount,${mode} ${path} failed (${r.stderr.trim().split("\n")[0] || `exit ${r.exitCode}`})`;
}

async function fsfreeze(op: "--freeze" | "--unfreeze", path: string): Promise<string | null> {
  const r = await execa("fsfreeze", [op, path], { reject: false, timeout: 60000 });
  return r.exitCode === 0 ? null : `fsfreeze ${op} ${path} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`;
}
