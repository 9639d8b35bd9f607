// Run a command inside a system tree (--root DIR): chroot with /proc, /sys and /dev bound, always unbound after.
import { execa, type ResultPromise } from "execa";
import { resolve } from "node:path";

export interface RunResult {
  exitCode: number;
  output: string;
  /** Killed (SIGTERM) because it ran longer than the timeout. */
  timedOut?: boolean;
}

/**
 * Run `cmd args` on the host (root "/") or chrooted into `root`, capturing stdout and stderr together; `onLine`
 * hears each line of that output as it comes (the web console streams a regenerate's progress).
 */
export async function runIn(
  root: string,
  cmd: string,
  args: string[],
  timeoutMs = 600_000,
  onLine?: (line: string) => void,
): Promise<RunResult> {
  const follow = <T extends ResultPromise>(p: T): T => {
    if (onLine) p.all?.on("data", lines(onLine));
    return p;
  };
  if (resolve(root) === "/") {
    const r = await follow(execa(cmd, args, { reject: false, all: true, timeout: timeoutMs }));
    return { exitCode: r.exitCode ?? 1, output: r.all ?? "", timedOut: r.timedOut === true };
  }
  const binds = ["proc", "sys", "dev"];
  const mounted: string[] = [];
  try {
    for (const b of binds) {
      const target = `${resolve(root)}/${b}`;
      const m = await execa("mount", ["--rbind", `/${b}`, target], { reject: false, all: true });
      if (m.exitCode !== 0) return { exitCode: 1, output: `mount --rbind /${b} ${target} failed: ${m.all}` };
      mounted.push(target);
    }
    const r = await follow(
      execa("chroot", [root, cmd, ...args], {
        reject: false,
        all: true,
        timeout: timeoutMs,
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
      }),
    );
    return { exitCode: r.exitCode ?? 1, output: r.all ?? "", timedOut: r.timedOut === true };
  } finally {
    for (const t of mounted.reverse()) await execa("umount", ["-R", "-l", t], { reject: false });
  }
}

/** A data listener that calls `onLine` once per complete line (the last partial line waits for its newline). */
function lines(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let rest = "";
  return (chunk) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) onLine(p);
  };
}
