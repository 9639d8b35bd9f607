// The agent's children must not keep its OOM immunity (the unit's OOMScoreAdjust=-1000): a tiny sh wrapper
// resets oom_score_adj to 0 before it execs the real program. Raising one's own value needs no privilege, nor
// does lowering it to the floor systemd's privileged write left (oom_score_adj_min, inherited).
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";

/** The wrapper's script: `$@` is the real argv; a failed write (no /proc) still runs the program. */
export const OOM_RESET_SCRIPT = 'echo 0 > /proc/self/oom_score_adj 2>/dev/null; exec "$@"';

/** This process's oom_score_adj; 0 when it cannot be read. */
export function ownOomScoreAdj(path = "/proc/self/oom_score_adj"): number {
  try {
    const v = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

/** Why `file` cannot be executed (ENOENT, EACCES) as spawn would say it, or null; names are looked up on `path`. */
export function execProblem(file: string, path: string | undefined, cwd?: string): { code: string; error: string } | null {
  const full = file.includes("/") ? resolve(cwd ?? ".", file) : Bun.which(file, { PATH: path ?? "" });
  if (full === null) return { code: "ENOENT", error: `${file}: not found on PATH (ENOENT)` };
  try {
    if (!statSync(full).isFile()) return { code: "EACCES", error: `${full}: not a regular file (EACCES)` };
    accessSync(full, constants.X_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EACCES";
    return { code, error: `${full}: ${code === "ENOENT" ? "no such file" : "not executable"} (${code})` };
  }
}

/**
 * The argv to spawn for `argv`: wrapped in the reset when our own oom_score_adj is not 0 (the child would
 * inherit it), unchanged otherwise; a program that cannot be executed is reported before any spawn,
 * so a missing check still reads as ENOENT, not as the wrapper's exit 127.
 */
export function childArgv(argv: readonly string[], env: Record<string, string | undefined>, cwd?: string, own: number = ownOomScoreAdj()): { argv: string[] } | { code: string; error: string } {
  if (own === 0) return { argv: [...argv] };
  const problem = execProblem(argv[0] ?? "", env.PATH, cwd);
  if (problem !== null) return problem;
  return { argv: ["/bin/sh", "-c", OOM_RESET_SCRIPT, "sh", ...argv] };
}
