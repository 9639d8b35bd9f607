// The hand-over of this boot's links: the snapshot the holder passes on, the holder's socket, the successor's request.
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { CHANNEL_KINDS, ROLES, type Role } from "../core/types.ts";
import { uptimeMs } from "../sys/clock.ts";
import type { ReceiverState } from "./frames.ts";
import type { WatchdogTerms } from "../sys/watchdog.ts";

/** Where the link holder listens for a successor (/run survives switch_root). */
export const HANDOVER_SOCKET = "/run/clusterguard/handover.sock";
/** Where an agent stopped by an admin leaves its snapshot for the next start. */
export const HANDOVER_FILE = "/run/clusterguard/handover.json";

export interface HandoverSnapshot {
  v: 1;
  /** The kernel's boot id: a snapshot from another boot is worthless. */
  bootId: string;
  node: string;
  incarnation: number;
  /** Last sequence number sent; the successor continues above it. */
  seq: number;
  peerIncarnation: number;
  peerRole: Role | null;
  /** Wall clock (ms) of the release. */
  at: number;
  /** The handoff grace announced to the peer, in ms. */
  graceMs: number;
  /** The receiver's replay memory per link: frames accepted before the hand-over stay refused after it. */
  receiver?: ReceiverState;
  /** The peer boot this node fenced, if any: its frames stay refused. */
  fencedIncarnation?: number | null;
  /** The newest seq heard from the peer's current boot (the core's order point): frames older than it trigger nothing. */
  peerSeq?: number | null;
  /** The boot of a second ACTIVE this node outranks and had not fenced yet: the successor fences it. */
  secondActive?: number | null;
  /** System uptime (ms) at the release: a stopped agent's snapshot is judged young or old by it, not by the wall clock. */
  uptimeMs?: number;
  /**
   * The watchdog this process armed and left running (closed without disarming): the successor keeps petting it on
   * these terms, whatever its own config says, until the machine reboots. Absent or null: none was armed.
   */
  watchdog?: WatchdogTerms | null;
}

let cachedBootId: string | null = null;

/**
 * This boot's id ("" where unreadable), read once: the initrd guard must read it before switch_root, after
 * which its own root (the old initramfs) no longer has /proc mounted.
 */
export function bootId(): string {
  if (cachedBootId) return cachedBootId;
  try {
    cachedBootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
  return cachedBootId;
}

/** Validates untrusted JSON as a snapshot of this boot for `node`; returns it or why not. */
export function parseSnapshot(text: string, node: string, thisBoot: string): HandoverSnapshot | string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `not JSON: ${text.slice(0, 80)}`;
  }
  if (o === null || typeof o !== "object") return "expected an object";
  if (o.v !== 1) return `version: expected 1, got ${String(o.v)}`;
  for (const k of ["incarnation", "seq", "peerIncarnation", "at", "graceMs"] as const) {
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0)
      return `${k}: expected a non-negative integer, got ${String(o[k])}`;
  }
  if (o.node !== node) return `node: expected ${node}, got ${String(o.node)}`;
  if (o.bootId !== thisBoot) return `bootId: expected this boot (${thisBoot}), got ${String(o.bootId)}`;
  if (o.peerRole !== null && !ROLES.includes(o.peerRole as Role))
    return `peerRole: expected a role or null, got ${String(o.peerRole)}`;
  if (o.fencedIncarnation !== undefined && o.fencedIncarnation !== null && !isCount(o.fencedIncarnation)) {
    return `fencedIncarnation: expected a non-negative integer or null, got ${String(o.fencedIncarnation)}`;
  }
  if (o.peerSeq !== undefined && o.peerSeq !== null && !isCount(o.peerSeq))
    return `peerSeq: expected a non-negative integer or null, got ${String(o.peerSeq)}`;
  if (o.secondActive !== undefined && o.secondActive !== null && !isCount(o.secondActive))
    return `secondActive: expected a non-negative integer or null, got ${String(o.secondActive)}`;
  if (o.uptimeMs !== undefined && !isCount(o.uptimeMs))
    return `uptimeMs: expected a non-negative integer, got ${String(o.uptimeMs)}`;
  if (o.watchdog !== undefined && o.watchdog !== null) {
    const w = o.watchdog as Record<string, unknown>;
    if (
      typeof w !== "object" ||
      typeof w.device !== "string" ||
      w.device === "" ||
      !isCount(w.timeoutS) ||
      w.timeoutS === 0
    )
      return `watchdog: expected null or {device: a path, timeoutS: a positive integer}, got ${JSON.stringify(o.watchdog)}`;
  }
  if (o.receiver !== undefined) {
    const bad = receiverProblem(o.receiver);
    if (bad) return `receiver.${bad}`;
  }
  return o as unknown as HandoverSnapshot;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Why `v` is not a ReceiverState (links by kind, senders by name, each {incarnation, top, seen}), or null. */
export function receiverProblem(v: unknown): string | null {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "expected an object of links";
  for (const [link, senders] of Object.entries(v)) {
    if (!(CHANNEL_KINDS as readonly string[]).includes(link))
      return `${link}: expected one of ${CHANNEL_KINDS.join(", ")}`;
    if (senders === null || typeof senders !== "object" || Array.isArray(senders))
      return `${link}: expected an object of senders`;
    for (const [node, st] of Object.entries(senders as Record<string, unknown>)) {
      const w = st as Record<string, unknown> | null;
      if (w === null || typeof w !== "object") return `${link}.${node}: expected {incarnation, top, seen}`;
      if (!isCount(w.incarnation) || !isCount(w.top))
        return `${link}.${node}: expected non-negative integers incarnation and top`;
      if (typeof w.seen !== "string" || !/^[0-9a-f]{1,16}$/.test(w.seen))
        return `${link}.${node}.seen: expected 1-16 hex digits, got ${String(w.seen)}`;
    }
  }
  return null;
}

// The link holder's side of a handover: a root-only Unix socket where a successor asks for the links.
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

// The successor's side of a handover: ask the link holder on its socket, or read the file an agent left on stop.
/** A handover's outcome: the snapshot; nobody holds the links (absent); or a holder exists but did not hand over. */
export type HandoverAnswer = { snapshot: HandoverSnapshot } | { absent: boolean; reason: string };

/** Ask the process on `path` for its links. Never rejects. */
export async function requestHandover(path: string, node: string, timeoutMs = 5000): Promise<HandoverAnswer> {
  if (!existsSync(path)) return { absent: true, reason: `no link holder at ${path}` };
  let buf = "";
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ absent: false, reason: `no answer on ${path} within ${timeoutMs} ms` }),
      timeoutMs,
    );
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
    }).catch((e: Error & { code?: string }) =>
      done(`${path}: ${e.message}`, e.code === "ECONNREFUSED" || e.code === "ENOENT"),
    );
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

/**
 * A snapshot an agent left when an admin stopped it; consumed (deleted) by reading. Young ones only, judged by the
 * system uptime (a wall clock stepped meanwhile must not make a fresh one look stale, or a stale one fresh).
 */
export function takeHandoverFile(
  path: string,
  node: string,
  now: number = Date.now(),
  uptimeNow: number = uptimeMs(),
): HandoverSnapshot | string {
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
  const age = snap.uptimeMs !== undefined ? uptimeNow - snap.uptimeMs : now - snap.at;
  return age >= 0 && age <= snap.graceMs
    ? snap
    : `${path}: ${age} ms old, older than the ${snap.graceMs} ms grace it announced`;
}
