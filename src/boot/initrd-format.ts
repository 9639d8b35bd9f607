// How an initrd image is compressed, read from its bytes: the magic of its compressed archive, after the uncompressed
// cpio archives a builder may put in front (dracut's and mkinitramfs' early microcode), as the kernel unpacks it.
// Verification uses it to prove the builder applied the compression asked for (dracut and mkinitramfs fall back to
// another, with a warning only, when the compressor is missing), and the readers to name the tool they need.
import { closeSync, openSync, readSync } from "node:fs";

export type ImageFormat = "gzip" | "zstd" | "xz" | "lzma" | "bzip2" | "lz4" | "lzo" | "cpio" | "unknown";

export interface FormatResult {
  format: ImageFormat;
  /** Where the compressed archive starts (after the uncompressed ones), or where reading stopped. */
  offset: number;
  /** How many uncompressed cpio archives come before it (1 with an early microcode archive). */
  early: number;
}

const MAGICS: readonly [ImageFormat, number[]][] = [
  ["gzip", [0x1f, 0x8b]],
  ["gzip", [0x1f, 0x9e]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["lzma", [0x5d, 0x00, 0x00]],
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["lz4", [0x02, 0x21, 0x4c, 0x18]],
  ["lzo", [0x89, 0x4c, 0x5a, 0x4f]],
];

const NEWC_HEADER = 110;
const TRAILER = "TRAILER!!!";

/** Reads up to `length` bytes at `offset` (fewer at the end). */
export type ReadAt = (offset: number, length: number) => Buffer;

/**
 * The format of the image `read` gives: skip each uncompressed newc archive (to its TRAILER!!! entry) and the zero
 * padding after it, then match the next bytes against the compressors' magic numbers. An image that ends after its
 * uncompressed archives is "cpio" (not compressed at all).
 */
export function imageFormat(read: ReadAt): FormatResult {
  let offset = 0;
  let early = 0;
  for (;;) {
    offset = skipZeros(read, offset);
    const head = read(offset, NEWC_HEADER);
    if (head.length === 0) return { format: early > 0 ? "cpio" : "unknown", offset, early };
    const magic = head.subarray(0, 6).toString("latin1");
    if (magic !== "070701" && magic !== "070702") {
      const found = MAGICS.find(([, m]) => m.every((b, i) => head[i] === b));
      return { format: found?.[0] ?? "unknown", offset, early };
    }
    const end = archiveEnd(read, offset);
    if (end === null) return { format: "unknown", offset, early };
    offset = end;
    early++;
  }
}

/** Where the newc archive at `start` ends (after its TRAILER!!! entry, 4-byte aligned); null when it is cut short. */
function archiveEnd(read: ReadAt, start: number): number | null {
  let at = start;
  for (;;) {
    const head = read(at, NEWC_HEADER);
    if (head.length < NEWC_HEADER) return null;
    const magic = head.subarray(0, 6).toString("latin1");
    if (magic !== "070701" && magic !== "070702") return null;
    const field = (i: number) => Number.parseInt(head.subarray(6 + 8 * i, 14 + 8 * i).toString("latin1"), 16);
    const fileSize = field(6);
    const nameSize = field(11);
    if (!Number.isFinite(fileSize) || !Number.isFinite(nameSize) || nameSize < 1) return null;
    const name = read(at + NEWC_HEADER, nameSize - 1).toString("latin1");
    const data = align4(at + NEWC_HEADER + nameSize);
    at = align4(data + fileSize);
    if (name === TRAILER) return at;
  }
}

function skipZeros(read: ReadAt, start: number): number {
  let at = start;
  for (;;) {
    const chunk = read(at, 4096);
    const i = chunk.findIndex((b) => b !== 0);
    if (i >= 0) return at + i;
    if (chunk.length === 0) return at;
    at += chunk.length;
  }
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** imageFormat of the file at `path` (positional reads: an early archive of several MB is skipped, not read). */
export function fileFormat(path: string): FormatResult {
  const fd = openSync(path, "r");
  try {
    return imageFormat((offset, length) => {
      const buf = Buffer.alloc(length);
      const n = readSync(fd, buf, 0, length, offset);
      return buf.subarray(0, n);
    });
  } finally {
    closeSync(fd);
  }
}

const DECOMPRESSORS: Partial<Record<ImageFormat, { tool: string; package: string }>> = {
  gzip: { tool: "gzip", package: "gzip" },
  zstd: { tool: "zstd", package: "zstd" },
  xz: { tool: "xz", package: "xz-utils" },
  lzma: { tool: "xz", package: "xz-utils" },
  bzip2: { tool: "bzip2", package: "bzip2" },
  lz4: { tool: "lz4", package: "lz4" },
  lzo: { tool: "lzop", package: "lzop" },
};

/** The tool (and its Debian package) that lsinitrd and unmkinitramfs run to decompress `format`; null for none. */
export function decompressor(format: ImageFormat): { tool: string; package: string } | null {
  return DECOMPRESSORS[format] ?? null;
}

/** "zstd-compressed (after 1 uncompressed early archive)", "not compressed", "not an initrd (...)": for messages. */
export function formatText(f: FormatResult): string {
  const early = f.early > 0 ? ` (after ${f.early} uncompressed early archive${f.early > 1 ? "s" : ""})` : "";
  if (f.format === "cpio") return "not compressed";
  if (f.format === "unknown") return `not an initrd: no cpio archive and no known compression at byte ${f.offset}`;
  return `${f.format}-compressed${early}`;
}
