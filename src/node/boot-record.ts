// What one kernel boot of this node has announced and heard, kept under /run (a tmpfs of this boot that survives
// switch_root): the incarnation it runs under, whether it released the ACTIVE role (STOPPED) or self-fenced, and how
// far it has heard the peer (the replay memory). A guard or agent starting later in the same boot continues from
// these instead of inventing a new boot, and refuses what its predecessor already heard.
//
// Why an incarnation then means a boot: it is minted only when no record of this boot id exists, and recorded at
// once; every later start in the same boot (an agent restarted without a hand-over snapshot) continues it. So the
// peer sees a new incarnation only after a new boot id, i.e. a reboot, and the fencer may take it as proof that its
// poison pill was served. Where the record cannot be written, the guard says so at error level.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ReceiverState } from "./frames.ts";
import { receiverProblem } from "./handover.ts";

/** Where the records live outside host mode. */
export const RUN_DIR = "/run/clusterguard";
const INCARNATION_FILE = "incarnation.json";
const STOPPED_FILE = "stopped.json";
const SELF_FENCE_FILE = "self-fenced.json";
const HEARD_FILE = "heard.json";
const WATCHDOG_FILE = "watchdog.json";
const CONFIG_FILE = "config.json";

/**
 * The files the records live in: the real /run (a tmpfs of this boot) unless a caller brings its own (a simulated
 * machine keeps its /run in memory). Paths are whole paths under the record directory.
 */
export interface RunFiles {
  /** The text of `path`; undefined when there is no such file; throws on any other error. */
  read(path: string): string | undefined;
  /** Replaces `path` whole (a new file renamed over the old, mode 0600), making its directory (0755) when missing. */
  write(path: string, text: string): void;
}

/** The real file system. */
export const REAL_RUN_FILES: RunFiles = {
  read(path) {
    try {
      return readFileSync(path, "utf8");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return undefined;
      throw e;
    }
  },
  write(path, text) {
    try {
      writeFileSync(`${path}.new`, text, { mode: 0o600 });
    } catch (e) {
      // The directory is made once, on the first write that finds it missing (heard.json is written several times a second).
      if ((e as { code?: string }).code !== "ENOENT") throw e;
      mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
      writeFileSync(`${path}.new`, text, { mode: 0o600 });
    }
    renameSync(`${path}.new`, path);
  },
};

/** This boot's incarnation and the sequence number sent when the record was (last) written, at system uptime `uptimeMs`. */
export interface IncarnationRecord {
  v: 1;
  bootId: string;
  node: string;
  incarnation: number;
  seq: number;
  uptimeMs: number;
}

/** This boot released the ACTIVE role: under which incarnation, the seq sent by then at uptime `uptimeMs`, why, when (wall clock ms). */
export interface StoppedRecord {
  v: 1;
  bootId: string;
  node: string;
  incarnation: number;
  seq: number;
  uptimeMs: number;
  reason: string;
  at: number;
}

/**
 * Frames one process can send per ms of uptime, by a wide margin: each frame is an HMAC, a datagram, a serial write
 * and an O_DIRECT|O_SYNC slot write, and frames are built only on the core's ticks (5 ms or more apart) and its
 * answers to authenticated peer frames; a few thousand per second is far beyond what the links carry.
 */
export const MAX_FRAMES_PER_MS = 100;
/** Added on top, for the frames a predecessor sent between its last record and its end. */
const SEQ_MARGIN = 1_000_000;

/**
 * The first sequence number a successor without a snapshot may use: above the record's seq by what the uptime since
 * the record allows at MAX_FRAMES_PER_MS, and above `ownSlotSeq` (this node's disk slot, when of the same
 * incarnation), plus a margin. Never below what any earlier process of this boot sent under this incarnation.
 */
export function seqAbove(seq: number, recordedUptimeMs: number, nowUptimeMs: number, ownSlotSeq = 0): number {
  const elapsed = Math.max(0, nowUptimeMs - recordedUptimeMs);
  return Math.max(seq + elapsed * MAX_FRAMES_PER_MS, ownSlotSeq) + SEQ_MARGIN;
}

/** Records this boot's incarnation in `dir`; returns why it could not, or null. */
export function writeIncarnation(
  dir: string,
  r: Omit<IncarnationRecord, "v">,
  files: RunFiles = REAL_RUN_FILES,
): string | null {
  return writeJson(dir, INCARNATION_FILE, { v: 1, ...r }, files);
}

/** This boot's incarnation record for `node` in `dir`, or why there is none usable. */
export function readIncarnation(
  dir: string,
  node: string,
  bootId: string,
  files: RunFiles = REAL_RUN_FILES,
): IncarnationRecord | string {
  const o = readJson(dir, INCARNATION_FILE, node, bootId, ["incarnation", "seq", "uptimeMs"], files);
  return typeof o === "string" ? o : (o as unknown as IncarnationRecord);
}

/** Records that this boot released the ACTIVE role; returns why it could not, or null. */
export function writeStopped(
  dir: string,
  r: Omit<StoppedRecord, "v">,
  files: RunFiles = REAL_RUN_FILES,
): string | null {
  return writeJson(dir, STOPPED_FILE, { v: 1, ...r }, files);
}

/** The record that this boot released the ACTIVE role, or why there is none (usually: "no ... file"). */
export function readStopped(
  dir: string,
  node: string,
  bootId: string,
  files: RunFiles = REAL_RUN_FILES,
): StoppedRecord | string {
  const o = readJson(dir, STOPPED_FILE, node, bootId, ["incarnation", "seq", "uptimeMs", "at"], files);
  if (typeof o === "string") return o;
  if (typeof o.reason !== "string")
    return `${join(dir, STOPPED_FILE)}: reason: expected a string, got ${typeof o.reason}`;
  return o as unknown as StoppedRecord;
}

/** This boot self-fenced (the reset may have been refused): a later start stays silent and tries the reset again. */
export interface SelfFenceRecord {
  v: 1;
  bootId: string;
  node: string;
  incarnation: number;
  uptimeMs: number;
  reason: string;
  power: "reset" | "off";
}

/** Records this boot's self-fence; returns why it could not, or null. */
export function writeSelfFence(
  dir: string,
  r: Omit<SelfFenceRecord, "v">,
  files: RunFiles = REAL_RUN_FILES,
): string | null {
  return writeJson(dir, SELF_FENCE_FILE, { v: 1, ...r }, files);
}

/** The record that this boot self-fenced, or why there is none. */
export function readSelfFence(
  dir: string,
  node: string,
  bootId: string,
  files: RunFiles = REAL_RUN_FILES,
): SelfFenceRecord | string {
  const o = readJson(dir, SELF_FENCE_FILE, node, bootId, ["incarnation", "uptimeMs"], files);
  if (typeof o === "string") return o;
  if (typeof o.reason !== "string" || (o.power !== "reset" && o.power !== "off"))
    return `${join(dir, SELF_FENCE_FILE)}: expected a reason and power reset|off`;
  return o as unknown as SelfFenceRecord;
}

/**
 * The watchdog this boot armed: once a process of a boot has armed it, every later one (an agent restarted without a
 * snapshot too) keeps petting it on these terms, so no process ever makes the timeout longer than the one the node's
 * slot showed the peer (docs/design.md, row 18.5).
 */
export interface WatchdogRecord {
  v: 1;
  bootId: string;
  node: string;
  uptimeMs: number;
  device: string;
  timeoutS: number;
}

/** Records the watchdog this boot armed; returns why it could not, or null. */
export function writeWatchdog(
  dir: string,
  r: Omit<WatchdogRecord, "v">,
  files: RunFiles = REAL_RUN_FILES,
): string | null {
  return writeJson(dir, WATCHDOG_FILE, { v: 1, ...r }, files);
}

/** The watchdog this boot armed, or why there is no record of one. */
export function readWatchdog(
  dir: string,
  node: string,
  bootId: string,
  files: RunFiles = REAL_RUN_FILES,
): WatchdogRecord | string {
  const o = readJson(dir, WATCHDOG_FILE, node, bootId, ["uptimeMs", "timeoutS"], files);
  if (typeof o === "string") return o;
  if (typeof o.device !== "string" || o.device === "" || o.timeoutS === 0)
    return `${join(dir, WATCHDOG_FILE)}: expected a device and a positive timeoutS`;
  return o as unknown as WatchdogRecord;
}

/**
 * How far this boot has heard the peer: the peer boot and the newest seq the core took from it, the boot it fenced,
 * and every link's replay window. Written before any action that follows a frame (and at most every keepalive
 * otherwise), so that a process restarted without a snapshot (a crash) refuses every frame its predecessor heard.
 */
export interface HeardRecord {
  v: 1;
  bootId: string;
  node: string;
  /** This node's incarnation when written (the record is for that boot's frames). */
  incarnation: number;
  peerIncarnation: number | null;
  peerSeq: number | null;
  fencedIncarnation: number | null;
  /** A second ACTIVE this node outranks and had not fenced yet (its boot); absent in older records. */
  secondActive?: number | null;
  receiver: ReceiverState;
}

/** Records how far this boot has heard the peer; returns why it could not, or null. */
export function writeHeard(dir: string, r: Omit<HeardRecord, "v">, files: RunFiles = REAL_RUN_FILES): string | null {
  return writeJson(dir, HEARD_FILE, { v: 1, ...r }, files);
}

/** The record of how far this boot heard the peer, or why there is none usable. */
export function readHeard(
  dir: string,
  node: string,
  bootId: string,
  files: RunFiles = REAL_RUN_FILES,
): HeardRecord | string {
  const o = readJson(dir, HEARD_FILE, node, bootId, ["incarnation"], files);
  if (typeof o === "string") return o;
  for (const k of ["peerIncarnation", "peerSeq", "fencedIncarnation", "secondActive"] as const) {
    if (o[k] === undefined && k === "secondActive") continue;
    if (o[k] !== null && (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0))
      return `${join(dir, HEARD_FILE)}: ${k}: expected a non-negative integer or null`;
  }
  const bad = receiverProblem(o.receiver);
  if (bad) return `${join(dir, HEARD_FILE)}: receiver.${bad}`;
  return o as unknown as HeardRecord;
}

/**
 * What the guard of this boot ran with: the digests (config/effective.ts configDigests) of the initrd's copy of the
 * config and authkey. The agent compares its own (read from /etc/clusterguard) without unpacking the image.
 */
export interface ConfigRecord {
  v: 1;
  bootId: string;
  node: string;
  config: string;
  authkey: string;
}

/** Records the guard's config digests; returns why it could not, or null. */
export function writeConfigRecord(
  dir: string,
  r: Omit<ConfigRecord, "v">,
  files: RunFiles = REAL_RUN_FILES,
): string | null {
  return writeJson(dir, CONFIG_FILE, { v: 1, ...r }, files);
}

/** The guard's config digests of this boot, or why there are none ("no ... file": a guard without the record). */
export function readConfigRecord(
  dir: string,
  node: string,
  bootId: string,
  files: RunFiles = REAL_RUN_FILES,
): ConfigRecord | string {
  const o = readJson(dir, CONFIG_FILE, node, bootId, [], files);
  if (typeof o === "string") return o;
  for (const k of ["config", "authkey"] as const)
    if (typeof o[k] !== "string" || !/^[0-9a-f]{64}$/.test(o[k] as string))
      return `${join(dir, CONFIG_FILE)}: ${k}: expected a sha256 in hex`;
  return o as unknown as ConfigRecord;
}

/** What differs between the guard's record and this process's own digests ("the config and the authkey"), or null. */
export function configDrift(
  guard: Pick<ConfigRecord, "config" | "authkey">,
  own: { config: string; authkey: string },
): string | null {
  const differ = (["config", "authkey"] as const).filter((k) => guard[k] !== own[k]);
  return differ.length === 0
    ? null
    : differ.map((k) => (k === "config" ? "the configuration" : "the authkey")).join(" and ");
}

/** Written whole or not at all (RunFiles.write); returns why it could not, or null. */
function writeJson(dir: string, name: string, value: object, files: RunFiles): string | null {
  const path = join(dir, name);
  try {
    files.write(path, JSON.stringify(value));
    return null;
  } catch (e) {
    return `${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Reads and checks a record: this boot (bootId known and equal), this node, the integer fields. */
function readJson(
  dir: string,
  name: string,
  node: string,
  bootId: string,
  ints: readonly string[],
  files: RunFiles,
): Record<string, unknown> | string {
  const path = join(dir, name);
  let o: Record<string, unknown>;
  try {
    const text = files.read(path);
    if (text === undefined) return `no ${path}`;
    o = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return `${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (o === null || typeof o !== "object" || o.v !== 1) return `${path}: expected a version 1 record`;
  if (o.node !== node) return `${path}: node: expected ${node}, got ${String(o.node)}`;
  if (!bootId || o.bootId !== bootId)
    return `${path}: bootId: expected this boot (${bootId || "unknown"}), got ${String(o.bootId)}`;
  for (const k of ints)
    if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0)
      return `${path}: ${k}: expected a non-negative integer, got ${String(o[k])}`;
  if ((o.incarnation as number) === 0) return `${path}: incarnation: expected a positive integer, got 0`;
  return o;
}
