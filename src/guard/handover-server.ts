// The link holder's side of a handover: a root-only Unix socket where a successor asks for the links.
import { chmodSync, existsSync, mkdirSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import type { HandoverSnapshot } from "./handover.ts";

export interface HandoverServer {
  stop(): void;
}

/**
 * Listen on `path`. One request line {"op":"handover"} makes `release` stop this process's links and return
 * the snapshot, which is sent back; `released` runs once the reply is written (the caller then exits).
 */
export function serveHandover(
  path: string,
  release: () => Promise<HandoverSnapshot | string>,
  released: () => void,
  log: (msg: string) => void,
): HandoverServer | string {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (existsSync(path)) unlinkSync(path);
  } catch (e) {
    return `cannot prepare ${path}: ${(e as Error).message}`;
  }
  let busy = false;
  const listener = Bun.listen<{ buf: string }>({
    unix: path,
    socket: {
      open(s) {
        s.data = { buf: "" };
      },
      async data(s, chunk) {
        s.data.buf += chunk.toString();
        if (!s.data.buf.includes("\n") || busy) return;
        const line = s.data.buf.slice(0, s.data.buf.indexOf("\n")).trim();
        if (line !== '{"op":"handover"}') {
          s.end(`${JSON.stringify({ ok: false, error: `expected {"op":"handover"}, got ${line.slice(0, 80)}` })}\n`);
          return;
        }
        busy = true;
        const snap = await release();
        if (typeof snap === "string") {
          busy = false;
          s.end(`${JSON.stringify({ ok: false, error: snap })}\n`);
          log(`handover refused: ${snap}`);
          return;
        }
        s.end(`${JSON.stringify({ ok: true, snapshot: snap })}\n`);
        log(`links handed over at seq ${snap.seq} with a ${snap.graceMs} ms grace announced`);
        setTimeout(released, 20);
      },
    },
  });
  chmodSync(path, 0o600);
  return { stop: () => listener.stop(true) };
}
