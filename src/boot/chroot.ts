// Run a command inside a system tree (--root DIR): chroot with /proc, /sys and /dev bound, always unbound after.
import { execa } from "execa";
import { resolve } from "node:path";

export interface RunResult {
  exitCode: number;
  output: string;
}

/** Run `cmd args` on the host (root "/") or chrooted into `root`, capturing stdout and stderr together. */
export async function runIn(root: string, cmd: string, args: string[], timeoutMs = 600_000): Promise<RunResult> {
  if (resolve(root) === "/") {
    const r = await execa(cmd, args, { reject: false, all: true, timeout: timeoutMs });
    return { exitCode: r.exitCode ?? 1, output: r.all ?? "" };
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
    const r = await execa("chroot", [root, cmd, ...args], {
      reject: false,
      all: true,
      timeout: timeoutMs,
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
    });
    return { exitCode: r.exitCode ?? 1, output: r.all ?? "" };
  } finally {
    for (const t of mounted.reverse()) await execa("umount", ["-R", "-l", t], { reject: false });
  }
}
