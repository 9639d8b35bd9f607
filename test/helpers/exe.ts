// Run the compiled executable, dist/clusterguard, the way users and the initrd do.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const EXE = resolve(import.meta.dir, "../../dist/clusterguard");

/** Run dist/clusterguard with `args`; fails clearly when it was not built. */
export function runExe(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  if (!existsSync(EXE)) throw new Error(`${EXE} is missing: run 'make build' first`);
  const r = Bun.spawnSync([EXE, ...args], {
    cwd: opts.cwd ?? "/",
    env: opts.env ?? { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/**
 * Run dist/clusterguard with `args` without blocking this process (a server or relay in it keeps answering), with
 * no standard input; killed after `timeoutMs`.
 */
export async function runExeAsync(
  args: string[],
  timeoutMs = 20_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(EXE)) throw new Error(`${EXE} is missing: run 'make build' first`);
  const p = Bun.spawn([EXE, ...args], {
    cwd: "/",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
