// Run a command for the lab with its output shown on failure, and time it.
import { execa } from "execa";

/** Run `cmd args`; throw with the command's last output lines when it fails. Returns stdout. */
export async function sh(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; quiet?: boolean } = {},
): Promise<string> {
  const r = await execa(cmd, args, {
    reject: false,
    all: true,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, ...(opts.env ?? {}) },
  });
  if (r.exitCode !== 0) {
    const tail = (r.all ?? "").split("\n").slice(-30).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.exitCode}):\n${tail}`);
  }
  return r.stdout;
}

/** Print a progress line with the elapsed seconds since `t0`. */
export function progress(t0: number, what: string): void {
  console.log(`[lab +${((performance.now() - t0) / 1000).toFixed(1)} s] ${what}`);
}
