// Reads a small regular file without trusting what sits at the path: non-blocking open, fstat of the open descriptor, a size cap.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import type { ConfigError } from "./types.ts";

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
export type BoundedRead = { ok: true; bytes: Uint8Array; stat: Stats; errors: ConfigError[] } | { ok: false; errors: ConfigError[] };

/** "a FIFO (named pipe)", "a directory", ...: what a non-regular file is, for messages. */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a directory";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** The (file) error for something that is not a regular file. */
export function notRegular(path: string, st: Stats, holding: string): ConfigError {
  const kind = fileKind(st);
  const problem = kind === "not a regular file" ? kind : `is ${kind}, not a regular file`;
  return { file: path, key: "(file)", problem, expected: `a regular file holding ${holding}` };
}

/**
 * Opens `path` with O_NONBLOCK|O_NOCTTY (a FIFO cannot block the open, a tty cannot become the controlling
 * terminal), refuses anything fstat does not call a regular file, refuses files over the cap, and reads at most
 * maxBytes + 1 bytes (a file that grows after fstat is refused too).
 */
export function readBounded(path: string, spec: BoundedReadSpec): BoundedRead {
  const fail = (key: string, problem: string, expected: string): BoundedRead => ({ ok: false, errors: [{ file: path, key, problem, expected }] });
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
    const errors = spec.check?.(stat) ?? [];
    const tooBig = (n: number): BoundedRead => fail("(file)", `the file is ${n} bytes`, `at most ${spec.maxBytes} bytes${spec.why ? ` (${spec.why})` : ""}`);
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
