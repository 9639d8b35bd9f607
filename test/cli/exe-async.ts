// Run dist/clusterguard without blocking the event loop, so that a server in this test process can answer it.
import { EXE } from "../helpers/exe.ts";
import { existsSync } from "node:fs";

/** Run the executable with `args`; resolves with its exit code and output. */
export async function runExeAsync(args: string[], timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(EXE)) throw new Error(`${EXE} is missing: run 'make build' first`);
  const p = Bun.spawn([EXE, ...args], { cwd: "/", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
