// posix_fadvise(POSIX_FADV_DONTNEED) through bun:ffi: drops cached pages so the next read goes to the device.
// Used only when O_DIRECT is refused (see aligned-io.ts); Node has no binding for it.

import { libc } from "../sys/libc.ts";

const POSIX_FADV_DONTNEED = 4;

/** Drops the page cache of fd's byte range; returns undefined on success or the problem. */
export function dropCachedPages(fd: number, offset: number, length: number): string | undefined {
  let rc: number;
  try {
    rc = libc().posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED);
  } catch (error) {
    return `posix_fadvise unavailable (${(error as Error).message})`;
  }
  return rc === 0 ? undefined : `posix_fadvise(DONTNEED) returned error ${rc}`;
}
