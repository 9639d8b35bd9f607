// The configurator's I/O: the running file as the editor starts from it, an edit checked by `config check`'s own
// checks (the same FILE:LINE messages), and Apply: write the file atomically beside a backup, regenerate the guard
// initrd with its progress streamed, and say what still needs a restart or a reboot. Refused on a node that is not
// ACTIVE (a STANDBY must not write the shared image) and for a read-only session.
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
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
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) return refused(say, `the edit is over ${MAX_CONFIG_BYTES} bytes`);
  const checked = checkEdit(c.files, text, cur.text, c.running);
  if (!checked.ok) return refused(say, `not valid:\n${checked.errors.map((e) => e.message).join("\n")}`);
  if (text === cur.text) return refused(say, "nothing changed");
  say({
    step: "check",
    text: `valid (the checks of clusterguard config check)${checked.warnings.map((w) => `\nwarning: ${w}`).join("")}`,
  });
  const stamp = (c.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
  const backup = join(dirname(c.files.path), `${basename(c.files.path)}.${stamp}.bak`);
  try {
    copyFileSync(c.files.path, backup);
    say({ step: "backup", text: `the running file is kept as ${backup}` });
    writeAtomically(c.files.path, text);
  } catch (e) {
    return refused(say, `could not write ${c.files.path}: ${(e as Error).message}; the running file is unchanged`);
  }
  say({ step: "write", text: `wrote ${c.files.path} (a new file renamed over the old one)` });
  const r = await c.regenerate((line) => say({ step: "initrd", text: line }));
  say({
    step: "initrd",
    text: r.ok ? `guard initrd regenerated: ${r.detail}` : `guard initrd NOT regenerated: ${r.detail}`,
  });
  for (const n of checked.needs) say({ step: "needs", text: n });
  say({ step: "done", text: r.ok ? "applied" : "written; regenerate the guard initrd before any node boots" });
  return true;
}

function refused(say: (s: ApplyStep) => void, text: string): false {
  say({ step: "refused", text });
  return false;
}

/** Write `text` to a new file beside `path` (same mode), flush it, rename it over `path`, flush the directory. */
export function writeAtomically(path: string, text: string): void {
  const mode = statSync(path).mode & 0o777;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function sha256(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}
