// posix_fadvise(POSIX_FADV_DONTNEED) through bun:ffi: drops cached pages so the next read goes to the device.
// Used only when O_DIRECT is refused (see aligned-io.ts); Node has no binding for it.

import { FFIType, dlopen } from "bun:ffi";

const POSIX_FADV_DONTNEED = 4;
const LIBC_NAMES = ["libc.so.6", "libc.musl-x86_64.so.1", "libc.so"];

type Fadvise = (fd: number, offset: number, length: number, advice: number) => number;
let cached: Fadvise | string | undefined;

/** posix_fadvise from libc, or why it is unavailable. */
function loadFadvise(): Fadvise | string {
  const errors: string[] = [];
  for (const name of LIBC_NAMES) {
    try {
      const lib = dlopen(name, { posix_fadvise: { args: [FFIType.i32, FFIType.i64, FFIType.i64, FFIType.i32], returns: FFIType.i32 } });
      return (fd, offset, length, advice) => Number(lib.symbols.posix_fadvise(fd, offset, length, advice));
    } catch (error) {
      errors.push(`${name}: ${(error as Error).message}`);
    }
  }
  return `posix_fadvise unavailable (${errors.join("; ")})`;
}

/** Drops the page cache of fd's byte range; returns undefined on success or the problem. */
export function dropCachedPages(fd: number, offset: number, length: number): string | undefined {
  cached ??= loadFadvise();
  if (typeof cached === "string") return cached;
  const rc = cached(fd, offset, length, POSIX_FADV_DONTNEED);
  return rc === 0 ? undefined : `posix_fadvise(DONTNEED) returned error ${rc}`;
}
