// Files the agent runs as root (a monitor plugin module, a notify hook) must be ones only root could have written:
// owned by root (or the user running clusterguard), not writable by group or others, and so is every directory
// above them (a directory others can write lets them swap the file), except a sticky one (/tmp: others cannot
// rename or remove what they do not own in it).
import { statSync } from "node:fs";
import { dirname } from "node:path";

/** Why a file may not be run: it is missing or not a file, or someone other than root could have written it. */
export interface UntrustedFile {
  kind: "not-found" | "unsafe-file";
  error: string;
}

/** Why `path` (absolute) may not be run as root, or null; `what` names it in messages ("plugin file /x.ts"). */
export function untrustedFile(path: string, what: string, expectKind: string): UntrustedFile | null {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { kind: "not-found", error: `${what}: cannot be read (${code}); expected ${expectKind}` };
  }
  if (!st.isFile()) return { kind: "not-found", error: `${what}: is not a regular file; expected ${expectKind}` };
  const own = ownerProblem(st.uid);
  if (own !== null) return { kind: "unsafe-file", error: `${what}: ${own}` };
  if ((st.mode & 0o022) !== 0)
    return {
      kind: "unsafe-file",
      error: `${what}: mode is 0${(st.mode & 0o777).toString(8)}, writable by others; expected no group/other write (chmod go-w ${path})`,
    };
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const bad = dirProblem(dir);
    if (bad !== null) return { kind: "unsafe-file", error: `${what}: ${bad}` };
    if (dir === dirname(dir)) return null;
  }
}

function ownerProblem(uid: number): string | null {
  const me = process.getuid?.() ?? 0;
  return uid === 0 || uid === me ? null : `owned by uid ${uid}; expected root (or the user running clusterguard)`;
}

function dirProblem(dir: string): string | null {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch (e) {
    return `its directory ${dir} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const own = ownerProblem(st.uid);
  if (own !== null) return `its directory ${dir} is ${own}`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0)
    return `its directory ${dir} has mode 0${(st.mode & 0o777).toString(8)}, writable by others (and not sticky); expected no group/other write (chmod go-w ${dir})`;
  return null;
}
