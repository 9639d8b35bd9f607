// Whole-block reads and writes that reach the device: O_RDWR|O_DIRECT|O_SYNC with 4096-aligned buffers,
// and DiskIoError, the one error type disk I/O throws.
//
// O_DIRECT bypasses this host's page cache, so a read sees what the PEER host last wrote to the
// shared disk; O_SYNC makes every write durable before it returns, so there is never an fsync (which
// a character device such as /dev/watchdog would refuse with EINVAL anyway).
// Some file systems refuse O_DIRECT at open with EINVAL: ramfs, procfs, tmpfs before Linux 6.6, FUSE
// mounts without direct I/O support, some network/9p mounts. There we reopen with O_SYNC only and
// call posix_fadvise(DONTNEED) around every read and write, and say so through `log`. A real shared
// disk is a block device, which always accepts O_DIRECT.

import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open, stat } from "node:fs/promises";
import { ptr } from "bun:ffi";
import { errorText } from "../log/logger.ts";
import { libc } from "../sys/libc.ts";
import { BLOCK_SIZE } from "./block.ts";

/** How blocks reach the device: O_DIRECT, or the O_SYNC + fadvise fallback. */
export type IoMode = "direct" | "sync+fadvise";

/** What identifies the opened file, to notice that the path now names something else. */
type Identity = { isBlock: boolean; dev: number; ino: number; rdev: number };

const DIRECT_FLAGS = constants.O_RDWR | constants.O_DIRECT | constants.O_SYNC;
const SYNC_FLAGS = constants.O_RDWR | constants.O_SYNC;

/** Opens `path` read-write for direct I/O, or with the fallback when the file system refuses O_DIRECT. */
async function openDirectOrFallback(
  path: string,
  log: (line: string) => void,
): Promise<{ handle: FileHandle; mode: IoMode }> {
  try {
    return { handle: await open(path, DIRECT_FLAGS), mode: "direct" };
  } catch (error) {
    if ((error as { code?: string }).code !== "EINVAL")
      throw ioError(`opening ${path} read-write with O_DIRECT|O_SYNC`, error);
  }
  log(
    `${path}: the file system refuses O_DIRECT (EINVAL); using O_SYNC writes and posix_fadvise(DONTNEED) before reads instead`,
  );
  try {
    return { handle: await open(path, SYNC_FLAGS), mode: "sync+fadvise" };
  } catch (error) {
    throw ioError(`opening ${path} read-write with O_SYNC`, error);
  }
}

/**
 * An open device, read and written in whole 4096-byte blocks at absolute byte positions; every failure throws
 * DiskIoError. BlockFile is the real one; a simulator passes its own through `OpenBlock`.
 */
export interface BlockDevice {
  readonly mode: IoMode;
  /** The file descriptor (for /proc/self/fdinfo checks), or -1 where there is none. */
  readonly fd: number;
  readBlock(position: number): Promise<Uint8Array>;
  /** Durable when the promise resolves. */
  writeBlock(position: number, data: Uint8Array): Promise<void>;
  /** Why the path no longer names the opened device, or undefined. */
  identityProblem(): Promise<string | undefined>;
  /** Never throws. */
  close(): Promise<void>;
}

/** Opens a device by path (BlockFile.open for the real one). */
export type OpenBlock = (path: string, log: (line: string) => void) => Promise<BlockDevice>;

/** An open device or file, read and written in whole aligned 4096-byte blocks at absolute byte positions. */
export class BlockFile implements BlockDevice {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly mode: IoMode,
    private readonly identity: Identity,
    private readonly log: (line: string) => void,
  ) {}

  /** Set once a cache drop failed and was logged, so the log says it once. */
  private dropFailed = false;

  /** Opens a block device or regular file; throws DiskIoError saying why it cannot. */
  static async open(path: string, log: (line: string) => void = () => {}): Promise<BlockFile> {
    const { handle, mode } = await openDirectOrFallback(path, log);
    try {
      const s = await handle.stat();
      if (!s.isBlockDevice() && !s.isFile()) {
        const got = s.isCharacterDevice()
          ? "a character device"
          : s.isDirectory()
            ? "a directory"
            : "another kind of file";
        throw ioError(`opening ${path}`, new Error(`expected a block device or regular file, got ${got}`));
      }
      return new BlockFile(
        path,
        handle,
        mode,
        { isBlock: s.isBlockDevice(), dev: s.dev, ino: s.ino, rdev: s.rdev },
        log,
      );
    } catch (error) {
      await handle.close().catch(() => {});
      throw ioError(`opening ${path}`, error);
    }
  }

  /** The file descriptor (for /proc/self/fdinfo checks). */
  get fd(): number {
    return this.handle.fd;
  }

  /** Reads the 4096 bytes at `position` (a multiple of 4096) from the device itself. */
  async readBlock(position: number): Promise<Uint8Array> {
    checkPosition(position);
    const buffer = alignedBuffer();
    const doing = `reading ${BLOCK_SIZE} bytes at byte ${position} of ${this.path}`;
    if (this.mode !== "direct") this.dropCache(position);
    let bytesRead: number;
    try {
      ({ bytesRead } = await this.handle.read(buffer, 0, BLOCK_SIZE, position));
    } catch (error) {
      throw ioError(doing, error);
    }
    if (bytesRead !== BLOCK_SIZE)
      throw ioError(
        doing,
        new Error(`expected ${BLOCK_SIZE} bytes, got ${bytesRead} (device smaller than the heartbeat area, or gone?)`),
      );
    return buffer;
  }

  /** Writes one 4096-byte block at `position` (a multiple of 4096); durable when the promise resolves. */
  async writeBlock(position: number, data: Uint8Array): Promise<void> {
    checkPosition(position);
    if (data.length !== BLOCK_SIZE)
      throw new RangeError(`writeBlock: expected ${BLOCK_SIZE} bytes of data, got ${data.length}`);
    const buffer = alignedBuffer();
    buffer.set(data);
    const doing = `writing ${BLOCK_SIZE} bytes at byte ${position} of ${this.path}`;
    let bytesWritten: number;
    try {
      ({ bytesWritten } = await this.handle.write(buffer, 0, BLOCK_SIZE, position));
    } catch (error) {
      throw ioError(doing, error);
    }
    if (bytesWritten !== BLOCK_SIZE)
      throw ioError(doing, new Error(`expected ${BLOCK_SIZE} bytes written, got ${bytesWritten}`));
    if (this.mode !== "direct") this.dropCache(position);
  }

  /** Why the path no longer names the opened device (vanished, replaced), or undefined when it still does. */
  async identityProblem(): Promise<string | undefined> {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(this.path);
    } catch (error) {
      return `${this.path} vanished: ${(error as { code?: string }).code ?? String(error)}`;
    }
    const id = this.identity;
    if (id.isBlock ? s.isBlockDevice() && s.rdev === id.rdev : s.isFile() && s.dev === id.dev && s.ino === id.ino)
      return undefined;
    const now = s.isDirectory()
      ? "a directory"
      : s.isBlockDevice()
        ? `block device ${s.rdev}`
        : s.isFile()
          ? `file ${s.dev}:${s.ino}`
          : "something else";
    const was = id.isBlock ? `block device ${id.rdev}` : `file ${id.dev}:${id.ino}`;
    return `${this.path} was replaced: expected ${was}, now ${now}`;
  }

  /** Closes the descriptor; never throws. */
  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }

  /** Fallback mode: forget cached pages of the block so the next read goes to the device. */
  private dropCache(position: number): void {
    const problem = dropCachedPages(this.handle.fd, position, BLOCK_SIZE);
    if (problem === undefined || this.dropFailed) return;
    this.dropFailed = true;
    this.log(`${this.path}: ${problem}; reads may come from this host's page cache`);
  }
}

/** Throws RangeError unless `position` is a non-negative multiple of the block size. */
function checkPosition(position: number): void {
  if (!Number.isSafeInteger(position) || position < 0 || position % BLOCK_SIZE !== 0) {
    throw new RangeError(`block position: expected a non-negative multiple of ${BLOCK_SIZE}, got ${position}`);
  }
}

// Buffers whose first byte sits at a 4096-aligned address, as O_DIRECT requires of user memory.

/** The memory address of `bytes`' first byte. */
export function addressOf(bytes: Uint8Array): number {
  return ptr(bytes);
}

/** A zeroed `size`-byte buffer aligned to `alignment`: over-allocate, then view the aligned part. */
export function alignedBuffer(size: number = BLOCK_SIZE, alignment: number = BLOCK_SIZE): Uint8Array {
  const raw = new Uint8Array(size + alignment);
  const skip = (alignment - (addressOf(raw) % alignment)) % alignment;
  return raw.subarray(skip, skip + size);
}

// posix_fadvise(POSIX_FADV_DONTNEED) through bun:ffi: drops cached pages so the next read goes to the device.
// Used only when O_DIRECT is refused (see BlockFile); Node has no binding for it.

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

// The one error type disk I/O throws: says what was attempted, on what, and what the system answered.

/** A failed open/read/write of the shared disk; `code` is the errno name when there is one (EIO, ENOENT...). */
export class DiskIoError extends Error {
  override readonly name = "DiskIoError";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Wraps a system error as a DiskIoError prefixed with what was being done. */
export function ioError(doing: string, error: unknown): DiskIoError {
  if (error instanceof DiskIoError) return error;
  const code = (error as { code?: unknown })?.code;
  const text = errorText(error);
  return new DiskIoError(`${doing} failed: ${text}`, typeof code === "string" ? code : undefined);
}
