// The successor's side of a handover: ask the link holder on its socket, or read the file an agent left on stop.
import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { bootId, type HandoverSnapshot, parseSnapshot } from "../guard/handover.ts";

/** A handover's outcome: the snapshot; nobody holds the links (absent); or a holder exists but did not hand over. */
export type HandoverAnswer = { snapshot: HandoverSnapshot } | { absent: boolean; reason: string };

/** Ask the process on `path` for its links. Never rejects. */
export async function requestHandover(path: string, node: string, timeoutMs = 5000): Promise<HandoverAnswer> {
  if (!existsSync(path)) return { absent: true, reason: `no link holder at ${path}` };
  let buf = "";
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ absent: false, reason: `no answer on ${path} within ${timeoutMs} ms` }), timeoutMs);
    const done = (r: HandoverSnapshot | string, absent = false) => {
      clearTimeout(timer);
      resolve(typeof r === "string" ? { absent, reason: r } : { snapshot: r });
    };
    Bun.connect({
      unix: path,
      socket: {
        open(s) {
          s.write('{"op":"handover"}\n');
        },
        data(_s, chunk) {
          buf += chunk.toString();
        },
        close() {
          // A holder that replied with a snapshot has released its links, usable or not: nobody holds them now.
          const r = parseReply(buf, node);
          done(r, typeof r === "string" && r.startsWith("snapshot: "));
        },
        error(_s, e) {
          done(`${path}: ${e.message}`);
        },
      },
    }).catch((e: Error & { code?: string }) => done(`${path}: ${e.message}`, e.code === "ECONNREFUSED" || e.code === "ENOENT"));
  });
}

function parseReply(text: string, node: string): HandoverSnapshot | string {
  let r: { ok?: boolean; error?: string; snapshot?: unknown };
  try {
    r = JSON.parse(text.trim()) as typeof r;
  } catch {
    return `unreadable reply: ${text.slice(0, 80)}`;
  }
  if (r.ok !== true) return `refused: ${r.error ?? "no reason given"}`;
  const snap = parseSnapshot(JSON.stringify(r.snapshot), node, bootId());
  return typeof snap === "string" ? `snapshot: ${snap}` : snap;
}

/** A snapshot an agent left when an admin stopped it; consumed (deleted) by reading. Young ones only. */
export function takeHandoverFile(path: string, node: string, now: number = Date.now()): HandoverSnapshot | string {
  if (!existsSync(path)) return `no ${path}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
    unlinkSync(path);
  } catch (e) {
    return `${path}: ${(e as Error).message}`;
  }
  const snap = parseSnapshot(text, node, bootId());
  if (typeof snap === "string") return `${path}: ${snap}`;
  const age = now - snap.at;
  return age <= snap.graceMs ? snap : `${path}: ${age} ms old, older than the ${snap.graceMs} ms grace it announced`;
}
