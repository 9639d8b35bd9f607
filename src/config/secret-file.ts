// Rules for every secret file (the authkey, management.token_file, a fence level's password_file): a regular
// file owned by the expected uid, mode 0600 or stricter, at most 64 KiB; read through the one bounded reader.
import type { Stats } from "node:fs";
import { readBounded, type BoundedRead } from "./bounded-read.ts";
import { keyPath } from "./key-path.ts";
import { shellQuote } from "./shell-quote.ts";
import type { ClusterConfig, ConfigError } from "./types.ts";

/** Longest accepted secret file, in bytes: keys, tokens and passwords are far shorter. */
export const MAX_SECRET_FILE_BYTES = 65536;

/** What the rules need to know about one secret file. */
export interface SecretSpec {
  /** The owner the file must have: root (0) in production, the running user in tests. */
  requireUid: number;
  /** What the file holds, for messages: "the key", "the access token". */
  holding: string;
  /** The config key that names the file (management.token_file); every error then carries it as its key. */
  configKey?: string;
}

/** The command that fixes owner and mode. */
export function fixCommand(path: string, uid: number): string {
  const owner = uid === 0 ? "root:root" : String(uid);
  return `run: chown ${owner} ${shellQuote(path)} && chmod 0600 ${shellQuote(path)}`;
}

/** Errors for the owner and the permission bits of an opened regular file; empty when both are right. */
export function checkSecretStat(st: Pick<Stats, "uid" | "mode">, path: string, requireUid: number): ConfigError[] {
  const errors: ConfigError[] = [];
  const who = requireUid === 0 ? "root (uid 0)" : `uid ${requireUid}`;
  if (st.uid !== requireUid) {
    errors.push({ file: path, key: "(owner)", problem: `owned by uid ${st.uid}`, expected: `owner ${who}; ${fixCommand(path, requireUid)}` });
  }
  const perms = st.mode & 0o7777;
  if ((perms & ~0o600) !== 0) {
    const octal = perms.toString(8).padStart(4, "0");
    const expected = `mode 0600 or stricter (no group or other permissions, no execute/setuid/sticky bits); ${fixCommand(path, requireUid)}`;
    errors.push({ file: path, key: "(mode)", problem: `mode is ${octal}`, expected });
  }
  return errors;
}

/**
 * Reads a secret file: refused when it is not a regular file (a FIFO, a device, a directory; a symlink is followed
 * and its target judged) or too big; owner and mode errors come back with the content, so all are reported at once.
 */
export function readSecretFile(path: string, spec: SecretSpec): BoundedRead {
  const r = readBounded(path, { maxBytes: MAX_SECRET_FILE_BYTES, holding: spec.holding, check: (st) => checkSecretStat(st, path, spec.requireUid) });
  const key = spec.configKey;
  if (key === undefined) return r;
  const relabel = (e: ConfigError): ConfigError => ({ ...e, key });
  return r.ok ? { ...r, errors: r.errors.map(relabel) } : { ok: false, errors: r.errors.map(relabel) };
}

/** The uid secret files must belong to when read at run time: the running user (root in production). */
export function runningUid(): number {
  return process.getuid?.() ?? 0;
}

/** A secret file's content when every rule holds, else one line naming each problem. */
export function readSecretOrWhy(path: string, spec: SecretSpec): { bytes: Uint8Array } | { why: string } {
  const r = readSecretFile(path, spec);
  const errors = r.errors;
  if (r.ok && errors.length === 0) return { bytes: r.bytes };
  return { why: errors.map((e) => `${e.file}: ${e.key}: ${e.problem}; expected ${e.expected}`).join("; ") };
}

/** The secret files a config names (management.token_file, each ipmi/redfish password_file), checked as at run time. */
export function checkConfigSecrets(config: ClusterConfig, requireUid: number): ConfigError[] {
  const files: [string, string, string][] = [];
  if (config.management.token_file !== undefined) files.push([config.management.token_file, "management.token_file", "the access token"]);
  config.fencing.agent.forEach((a, i) => {
    if (a.type === "ipmi" || a.type === "redfish") files.push([a.password_file, keyPath(["fencing", "agent", i, "password_file"]), "the BMC password"]);
  });
  return files.flatMap(([path, configKey, holding]) => readSecretFile(path, { requireUid, holding, configKey }).errors);
}
