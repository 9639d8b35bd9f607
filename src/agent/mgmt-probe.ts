// Is anything answering on a Unix socket path? Decides between starting, replacing a stale file, and refusing.
import { lstatSync } from "node:fs";

/** What is at the path: nothing, a socket nobody listens on, a live server, something else, or a socket we could not judge. */
export type Probe =
  | { kind: "absent" }
  | { kind: "stale" }
  | { kind: "answering" }
  | { kind: "not-a-socket" }
  | { kind: "unknown"; code: string };

/** Look at `path` and, if it is a socket, try to connect to it. */
export async function probeUnix(path: string): Promise<Probe> {
  try {
    if (!lstatSync(path).isSocket()) return { kind: "not-a-socket" };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EIO";
    return code === "ENOENT" ? { kind: "absent" } : { kind: "unknown", code };
  }
  try {
    const s = await Bun.connect({ unix: path, socket: { data() {} } });
    s.end();
    return { kind: "answering" };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "EIO";
    if (code === "ECONNREFUSED") return { kind: "stale" };
    if (code === "ENOENT") return { kind: "absent" };
    return { kind: "unknown", code };
  }
}
