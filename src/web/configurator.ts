// The configurator's I/O: the running file as the editor starts from it, an edit checked by `config check`'s own
// checks (the same FILE:LINE messages), and Apply: write the file atomically beside a backup, regenerate the guard
// initrd with its progress streamed, and say what still needs a restart or a reboot. Refused on a node that is not
// ACTIVE (a STANDBY must not write the shared image) and for a read-only session.
//
// The writes go through the asynchronous file API (the thread pool), each bounded by a timeout: the file system may
// be frozen (a switchover, an fsfreeze) and the agent's event loop, which answers the peer, must never wait for it.
// The file keeps its owner, group and mode; a symbolic link is refused (Apply would replace the link by a file);
// a random temporary name means a stale one never blocks a later Apply; the last MAX_BACKUPS backups are kept.
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chown, copyFile, lstat, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { checkConfig } from "../cli/config.ts";
import { withAuthkey } from "../cli/load-both.ts";
import {
  type ClusterConfig,
  formatConfigError,
  loadConfigText,
  MAX_CONFIG_BYTES,
  readConfigText,
  renderEffective,
} from "../config/index.ts";
import type { Role } from "../core/types.ts";
import { changesOnly, lineDiff, restartNeeds } from "./config-diff.ts";

/** Lines an edit may have: a real configuration has a few hundred. */
export const MAX_EDIT_LINES = 20_000;
/** Backups of the config file kept beside it (the oldest beyond are removed). */
export const MAX_BACKUPS = 10;
/** How long one file step of Apply may take before it is reported as hanging (a frozen file system). */
export const WRITE_TIMEOUT_MS = 10_000;

/** Why an edit is too big to be checked at all, or null. */
export function editRefusal(text: string): string | null {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) return `the edit is over ${MAX_CONFIG_BYTES} bytes`;
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0 && lines <= MAX_EDIT_LINES; i = text.indexOf("\n", i + 1)) lines++;
  return lines > MAX_EDIT_LINES ? `the edit has over ${MAX_EDIT_LINES} lines` : null;
}

/** The running file as the editor gets it. */
export interface RunningFile {
  path: string;
  text: string;
  /** sha256 of the text: Apply is refused when the file changed since the editor loaded it. */
  sha256: string;
  /** The effective configuration with each key's documentation as comments (no secret shown). */
  effective: string;
}

/** An edit's check: every error and warning as `config check` prints it, the error lines, and the diff. */
export interface CheckedEdit {
  ok: boolean;
  errors: { line: number | null; message: string }[];
  warnings: string[];
  diff: ReturnType<typeof changesOnly>;
  /** What the edit would still need once written (when it is valid). */
  needs: string[];
}

/** Where the configurator reads and writes. */
export interface ConfigFiles {
  path: string;
  authkeyPath: string;
}

/** The running file (null with why, when it cannot be read). */
export function readRunning(f: ConfigFiles, running: ClusterConfig): RunningFile | { error: string } {
  const r = readConfigText(f.path);
  if ("errors" in r) return { error: r.errors.map(formatConfigError).join("; ") };
  return {
    path: f.path,
    text: r.text,
    sha256: sha256(r.text),
    effective: renderEffective(running, { source: f.path }),
  };
}

/** Check `text` as if it were the file at f.path: config check's checks, the diff against the running file. */
export function checkEdit(f: ConfigFiles, text: string, runningText: string, running: ClusterConfig): CheckedEdit {
  const both = checkConfig(withAuthkey(loadConfigText(text, f.path), f.authkeyPath), f.path);
  const diff = changesOnly(lineDiff(runningText, text));
  if (!both.ok)
    return {
      ok: false,
      errors: both.errors.map((e) => ({
        line: e.file === f.path ? (e.line ?? null) : null,
        message: formatConfigError(e),
      })),
      warnings: both.warnings,
      diff,
      needs: [],
    };
  return { ok: true, errors: [], warnings: both.warnings, diff, needs: restartNeeds(running, both.config) };
}

/** What Apply needs from the agent. */
export interface ApplyContext {
  files: ConfigFiles;
  running: ClusterConfig;
  role: () => Role;
  readOnly: boolean;
  /** Rebuild the guard initrd from the written file; each progress line as it comes. */
  regenerate: (progress: (line: string) => void) => Promise<{ ok: boolean; detail: string }>;
  /** Wall-clock time for the backup's name. */
  now?: () => Date;
  /** How long one file step may take (default WRITE_TIMEOUT_MS). */
  writeTimeoutMs?: number;
}

/** One line of Apply's progress: which step, and what it says. */
export interface ApplyStep {
  step: "check" | "backup" | "write" | "initrd" | "needs" | "done" | "refused";
  text: string;
}

/** Why Apply is refused before anything is looked at, or null. */
export function applyRefusal(role: Role, readOnly: boolean): string | null {
  if (readOnly) return "a read-only session cannot apply a configuration";
  if (role !== "ACTIVE")
    return `this node is ${role}, not ACTIVE: only the ACTIVE may write the shared image (a STANDBY must not)`;
  return null;
}

/**
 * Apply `text` over the running file whose sha256 the editor saw (`base`): check, back up, write atomically,
 * regenerate the initrd, then say what still needs a restart or reboot. Each step is reported through `say`;
 * resolves true once the file is written (even when the initrd could not be regenerated: it says so).
 */
export async function applyEdit(
  c: ApplyContext,
  text: string,
  base: string,
  say: (s: ApplyStep) => void,
): Promise<boolean> {
  const refusal = applyRefusal(c.role(), c.readOnly);
  if (refusal !== null) return refused(say, refusal);
  const cur = readConfigText(c.files.path);
  if ("errors" in cur) return refused(say, cur.errors.map(formatConfigError).join("; "));
  if (sha256(cur.text) !== base)
    return refused(say, `${c.files.path} changed since the editor loaded it; reload and edit again`);
  const tooBig = editRefusal(text);
  if (tooBig !== null) return refused(say, tooBig);
  const checked = checkEdit(c.files, text, cur.text, c.running);
  if (!checked.ok) return refused(say, `not valid:\n${checked.errors.map((e) => e.message).join("\n")}`);
  if (text === cur.text) return refused(say, "nothing changed");
  say({
    step: "check",
    text: `valid (the checks of clusterguard config check)${checked.warnings.map((w) => `\nwarning: ${w}`).join("")}`,
  });
  const stamp = (c.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
  const backup = join(dirname(c.files.path), `${basename(c.files.path)}.${stamp}.bak`);
  const ms = c.writeTimeoutMs ?? WRITE_TIMEOUT_MS;
  // The role again, just before writing: a node that stopped being ACTIVE while the edit was checked writes nothing.
  const late = applyRefusal(c.role(), c.readOnly);
  if (late !== null) return refused(say, late);
  try {
    await bounded(keepBackup(c.files.path, backup), ms, "the backup");
    say({ step: "backup", text: `the running file is kept as ${backup}` });
    await bounded(writeAtomically(c.files.path, text), ms, "the write");
  } catch (e) {
    return refused(say, `could not write ${c.files.path}: ${(e as Error).message}; the running file is unchanged`);
  }
  say({ step: "write", text: `wrote ${c.files.path} (a new file renamed over the old one)` });
  await bounded(pruneBackups(c.files.path), ms, "removing old backups").catch(() => {});
  const r = await c.regenerate((line) => say({ step: "initrd", text: line }));
  say({
    step: "initrd",
    text: r.ok ? `guard initrd regenerated: ${r.detail}` : `guard initrd NOT regenerated: ${r.detail}`,
  });
  const after = c.role();
  if (after !== "ACTIVE")
    say({
      step: "initrd",
      text: `warning: this node became ${after} during Apply: the written file and the initrd are this node's, check both before it boots as ACTIVE again`,
    });
  for (const n of checked.needs) say({ step: "needs", text: n });
  say({ step: "done", text: r.ok ? "applied" : "written; regenerate the guard initrd before any node boots" });
  return true;
}

function refused(say: (s: ApplyStep) => void, text: string): false {
  say({ step: "refused", text });
  return false;
}

/** `p`, or a rejection once `ms` passed (the operation itself may go on in the thread pool). */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${ms} ms (is the file system frozen?)`)),
      ms,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The config file itself, never a symbolic link: Apply would replace the link with a file. */
async function regularFile(path: string): Promise<{ mode: number; uid: number; gid: number }> {
  const st = await lstat(path);
  if (st.isSymbolicLink())
    throw new Error(
      "it is a symbolic link, and Apply replaces the file it names: run the agent with --config naming the link's target",
    );
  if (!st.isFile()) throw new Error("it is not a regular file");
  return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

/** Copy the running file to `backup` with its owner and group. */
async function keepBackup(path: string, backup: string): Promise<void> {
  const st = await regularFile(path);
  await copyFile(path, backup, constants.COPYFILE_EXCL);
  await chown(backup, st.uid, st.gid);
}

/**
 * Write `text` to a new file beside `path` (a random name, created exclusively; same owner, group and mode), flush
 * it, rename it over `path`, flush the directory.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const st = await regularFile(path);
  let tmp = "";
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  for (let i = 0; fh === undefined; i++) {
    tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      fh = await open(tmp, "wx", 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || i >= 4) throw e;
    }
  }
  try {
    await fh.chown(st.uid, st.gid);
    await fh.chmod(st.mode);
    await fh.writeFile(text);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The backups of `file` (names in its directory) to remove so that the newest `keep` stay. */
export function backupsToPrune(names: readonly string[], file: string, keep = MAX_BACKUPS): string[] {
  const re = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.\\d{4}-\\d{2}-\\d{2}T[0-9-]+Z\\.bak$`);
  const ours = names.filter((n) => re.test(n)).sort();
  return ours.slice(0, Math.max(0, ours.length - keep));
}

async function pruneBackups(path: string): Promise<void> {
  const dir = dirname(path);
  for (const n of backupsToPrune(await readdir(dir), basename(path))) await rm(join(dir, n), { force: true });
}

function sha256(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}
