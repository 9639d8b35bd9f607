// A real null-modem cable for tests: two pty links joined by socat.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Two tty paths wired to each other, and how to pull the plug. */
export type PtyPair = {
  /** One end (a symlink to /dev/pts/N). */
  a: string;
  /** The other end. */
  b: string;
  /** The folder holding both links; pass it to startPtyPair again to "plug the cable back in". */
  dir: string;
  /** Terminates socat (both ends hang up, socat removes the links) and waits for it to exit. */
  kill(): Promise<void>;
};

const WAIT_MS = 5000;
const POLL_MS = 20;

/**
 * Starts `socat pty,raw,echo=0,link=DIR/a pty,raw,echo=0,link=DIR/b`. DIR defaults to a new temp folder, which the
 * caller removes once done with the pair (this removes it if socat does not start).
 */
export async function startPtyPair(given?: string): Promise<PtyPair> {
  const dir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), "clusterguard-pty-"));
  const a = path.join(dir, "a");
  const b = path.join(dir, "b");
  const proc = Bun.spawn(["socat", "-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const log = new Response(proc.stderr).text(); // drained as it comes, so socat never blocks on a full pipe
  const kill = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await log;
  };
  const deadline = Date.now() + WAIT_MS;
  while (!(fs.existsSync(a) && fs.existsSync(b))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      const why =
        proc.exitCode !== null ? `socat exited with code ${proc.exitCode}` : `still missing after ${WAIT_MS} ms`;
      await kill();
      if (given === undefined) fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`pty pair: expected links ${a} and ${b}, ${why}; socat said:\n${await log}`);
    }
    await Bun.sleep(POLL_MS);
  }
  return { a, b, dir, kill };
}
