// Loading clusterguard.toml: where the files are, file -> parse -> validate with every failure as ConfigErrors, the
// one-line error format, the bounded reader every config and secret file goes through, and picking this node and
// its peer out of the two by name.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { type LineMap, parse } from "./toml.ts";
import { showValue } from "./toml-tokens.ts";
import type { ClusterConfig, ConfigError, NodeConfig } from "./types.ts";
import { validate } from "./validate.ts";

// Where clusterguard looks for its files by default.

/** The configuration file (override with --config). */
export const DEFAULT_CONFIG_PATH = "/etc/clusterguard/clusterguard.toml";
/** The shared secret (override with --authkey); root-owned, mode 0600 or stricter. */
export const DEFAULT_AUTHKEY_PATH = "/etc/clusterguard/authkey";

// Reads, parses and validates clusterguard.toml; every failure comes back as ConfigErrors.

/** Largest config file read: a real one is a few kilobytes; 1 MiB bounds memory and parse time in the initrd. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A loaded configuration (and the line of every key in the file), or every problem found. */
export type LoadResult =
  | { ok: true; config: ClusterConfig; warnings: string[]; lines: LineMap }
  | { ok: false; errors: ConfigError[]; warnings: string[] };

/** Loads and validates the config file at `path`. */
export function loadConfig(path: string = DEFAULT_CONFIG_PATH): LoadResult {
  const read = readConfigText(path);
  return "errors" in read ? { ok: false, errors: read.errors, warnings: [] } : loadConfigText(read.text, path);
}

/** The text of the config file at `path` (bounded, a regular file, UTF-8), or why not. */
export function readConfigText(path: string): { text: string } | { errors: ConfigError[] } {
  const read = readBounded(path, {
    maxBytes: MAX_CONFIG_BYTES,
    holding: "the TOML configuration",
    why: "a configuration is a few kilobytes",
  });
  if (!read.ok) return { errors: read.errors };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(read.bytes) };
  } catch {
    return {
      errors: [
        { file: path, key: "(file)", problem: "the file is not valid UTF-8", expected: "UTF-8 encoded TOML text" },
      ],
    };
  }
}

/** Parses and validates config text; `file` names it in messages. */
export function loadConfigText(text: string, file: string): LoadResult {
  const parsed = parse(text);
  if (!parsed.ok) {
    const errors = parsed.errors.map(
      (e): ConfigError => ({ file, key: e.key ?? "(syntax)", line: e.line, problem: e.message, expected: "" }),
    );
    return { ok: false, errors, warnings: [] };
  }
  const { config, errors, warnings } = validate(parsed.value, parsed.lines, file);
  return config === undefined ? { ok: false, errors, warnings } : { ok: true, config, warnings, lines: parsed.lines };
}

// One-line rendering of configuration errors: FILE:LINE: KEY = VALUE: expected WHAT.

/** Formats e.g. `f.toml:12: timers.deadtime = 400: expected an integer greater than ...`. */
export function formatConfigError(e: ConfigError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}`;
  const subject = e.value === undefined ? e.key : `${e.key} = ${showValue(e.value)}${e.defaulted ? " (default)" : ""}`;
  const expected = e.expected === "" ? "" : `expected ${e.expected}`;
  const tail = e.problem === undefined ? expected : expected === "" ? e.problem : `${e.problem}; ${expected}`;
  return `${where}: ${subject}: ${tail}`;
}

// Reads a small regular file without trusting what sits at the path: stat before the open (a device or a FIFO is never
// opened: opening one can have effects of its own), non-blocking open, fstat of the open descriptor (the same file
// as stat saw), a size cap.

/** What a bounded read should expect: the size cap, and words for messages. */
export interface BoundedReadSpec {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** What the file holds, for "a regular file holding ...": "the TOML configuration", "the key". */
  holding: string;
  /** Why the cap is what it is, appended to the size message, e.g. "a configuration is a few kilobytes". */
  why?: string;
  /** Further rules on the opened file's stat (owner, mode); their errors are returned with the content. */
  check?: (st: Stats) => ConfigError[];
}

/** The content and the stat of the opened file, or every reason it was refused. */
export type BoundedRead =
  | { ok: true; bytes: Uint8Array; stat: Stats; errors: ConfigError[] }
  | { ok: false; errors: ConfigError[] };

/** "a FIFO (named pipe)", "a directory", ...: what a non-regular file is, for messages. */
function fileKind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a directory";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** The (file) error for something that is not a regular file. */
function notRegular(path: string, st: Stats, holding: string): ConfigError {
  const kind = fileKind(st);
  const problem = kind === "not a regular file" ? kind : `is ${kind}, not a regular file`;
  return { file: path, key: "(file)", problem, expected: `a regular file holding ${holding}` };
}

/**
 * Refuses anything stat() does not call a regular file before opening it (a symlink is followed), then opens `path`
 * with O_NONBLOCK|O_NOCTTY (should it have been swapped for a FIFO or a tty meanwhile: the open cannot block, a tty
 * cannot become the controlling terminal), refuses it unless fstat finds the same regular file (device and inode),
 * refuses files over the cap, and reads at most maxBytes + 1 bytes (a file that grows after fstat is refused too).
 */
export function readBounded(path: string, spec: BoundedReadSpec): BoundedRead {
  const fail = (key: string, problem: string, expected: string): BoundedRead => ({
    ok: false,
    errors: [{ file: path, key, problem, expected }],
  });
  let before: Stats;
  try {
    before = statSync(path);
  } catch (e) {
    const reason = (e as { code?: string }).code ?? String(e);
    return fail("(file)", `cannot open the file (${reason})`, `a readable regular file holding ${spec.holding}`);
  }
  if (!before.isFile()) return { ok: false, errors: [notRegular(path, before, spec.holding)] };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const reason = (e as { code?: string }).code ?? String(e);
    return fail("(file)", `cannot open the file (${reason})`, `a readable regular file holding ${spec.holding}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, errors: [notRegular(path, stat, spec.holding)] };
    if (stat.dev !== before.dev || stat.ino !== before.ino)
      return fail(
        "(file)",
        "the file was replaced while it was opened",
        `a stable regular file holding ${spec.holding}`,
      );
    const errors = spec.check?.(stat) ?? [];
    const tooBig = (n: number): BoundedRead =>
      fail("(file)", `the file is ${n} bytes`, `at most ${spec.maxBytes} bytes${spec.why ? ` (${spec.why})` : ""}`);
    if (stat.size > spec.maxBytes) return { ok: false, errors: [...errors, ...tooBig(stat.size).errors] };
    const buf = Buffer.alloc(spec.maxBytes + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
      if (got > spec.maxBytes) return { ok: false, errors: [...errors, ...tooBig(got).errors] };
    }
    return { ok: true, bytes: new Uint8Array(buf.subarray(0, got)), stat, errors };
  } catch (e) {
    const reason = (e as { code?: string }).code ?? String(e);
    return fail("(file)", `cannot read the file (${reason})`, `a readable regular file holding ${spec.holding}`);
  } finally {
    closeSync(fd);
  }
}

// Picks this node and its peer out of the two configured nodes by name.

/** Where the node name came from, for the error message. */
export interface NameOrigin {
  file: string;
  key: string;
}

const KERNEL_ARG: NameOrigin = { file: "kernel command line", key: "rd.clusterguard.node" };

/** Returns { self, peer } for `nodeName`, or an error listing the two configured names. */
export function selectSelf(
  config: ClusterConfig,
  nodeName: string,
  origin: NameOrigin = KERNEL_ARG,
): { ok: true; self: NodeConfig; peer: NodeConfig } | { ok: false; error: ConfigError } {
  const [a, b] = config.node;
  if (nodeName === a.name) return { ok: true, self: a, peer: b };
  if (nodeName === b.name) return { ok: true, self: b, peer: a };
  const expected = `one of the configured node names: ${JSON.stringify(a.name)}, ${JSON.stringify(b.name)}`;
  return {
    ok: false,
    error: { file: origin.file, key: origin.key, value: nodeName, problem: "unknown node name", expected },
  };
}
