// fsfreeze(8) for the planned switchover: freeze one mounted file system after a sync, or thaw it again.
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

async function fsfreeze(op: "--freeze" | "--unfreeze", path: string): Promise<string | null> {
  const r = await execa("fsfreeze", [op, path], { reject: false, timeout: 60000 });
  return r.exitCode === 0 ? null : `fsfreeze ${op} ${path} failed (${r.stderr.trim() || `exit ${r.exitCode}`})`;
}
