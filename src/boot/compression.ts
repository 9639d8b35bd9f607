// How `initrd regenerate` compresses the guard initrd: the best compression the target kernel can decompress
// (its CONFIG_RD_* options) and the tree has a compressor for, or the admin's --compress once the kernel config allows
// it; and the arguments that ask dracut or mkinitramfs for it.
//
// Why zstd -19 first, measured on the lab's Debian 12 guard initrd (dracut, systemd-based: 258 MB of cpio, 114 MB of
// it the executable; one thread at nice 19 on a 2-core machine; decompression = `zstd -dc`/`xz -dc`/`gzip -dc` to
// /dev/null, a proxy for the kernel's unpacking at boot):
//
//   gzip -9            96.5 MB   58 s to build   1.6 s to decompress   (what dracut picks by itself)
//   zstd -15           81.4 MB   42 s            0.33 s                (dracut's --zstd)
//   zstd -17           76.5 MB   95 s            0.39 s
//   zstd -18           74.5 MB  130 s            0.40 s
//   zstd -19           74.1 MB  132 s            0.39 s
//   xz, dict 1 MiB     71.7 MB   77 s            3.7 s                 (dracut's --xz)
//   xz -6              68.8 MB  122 s            4.2 s
//
// The distribution's initrd is 39.1 MB, and the guard initrd may grow it by 40 MB at most: zstd -19 (+35 MB) fits,
// zstd -15 (+42 MB) does not. zstd -19 decompresses 4 times faster than gzip and 10 times faster than xz: it is
// the cheapest boot as well. xz -6 saves 5 MB more on /boot but costs about 4 s more at every boot (more under
// emulation), so it comes only where the kernel cannot read zstd (kernels before 5.9), and gzip, which every kernel
// reads, last. Build time is paid once per kernel upgrade; both compressors use every core (-T0).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type Compression = "gzip" | "zstd" | "xz";

/** Best first. */
export const COMPRESSIONS: readonly Compression[] = ["zstd", "xz", "gzip"];

interface Method {
  /** The kernel option that lets the kernel unpack an initramfs compressed so. */
  symbol: string;
  /** The compressor's executable (and its Debian package). */
  tool: string;
  package: string;
  level: number;
}

export const METHODS: Readonly<Record<Compression, Method>> = {
  zstd: { symbol: "CONFIG_RD_ZSTD", tool: "zstd", package: "zstd", level: 19 },
  // --check=crc32: the kernel's xz decoder knows no CRC64 (dracut and mkinitramfs pass it too).
  xz: { symbol: "CONFIG_RD_XZ", tool: "xz", package: "xz-utils", level: 6 },
  gzip: { symbol: "CONFIG_RD_GZIP", tool: "gzip", package: "gzip", level: 9 },
};

/** The compressions `text` (a kernel .config) says the kernel can unpack an initramfs from. */
export function kernelReads(text: string): Set<Compression> {
  const set = new Set<Compression>();
  for (const c of COMPRESSIONS) if (new RegExp(`^${METHODS[c].symbol}=y\\s*$`, "m").test(text)) set.add(c);
  return set;
}

export interface CompressionInput {
  /** --compress, when given. */
  requested?: Compression;
  /** The kernel's config: where it was found (as shown to the admin) and its text; null when there is none. */
  kernelConfig: { path: string; text: string } | null;
  /** Where the kernel config was looked for (named when there is none). */
  looked: string;
  /** The compressors installed in the tree, and the tree's name for messages. */
  installed: ReadonlySet<Compression>;
  tree: string;
}

export type CompressionChoice =
  | {
      ok: true;
      compression: Compression;
      level: number;
      /** Why: "CONFIG_RD_ZSTD=y in /boot/config-6.1.0-57-amd64". */
      reason: string;
      warnings: string[];
    }
  | {
      ok: false;
      error: string;
      /** The admin asked for something the kernel cannot read (exit 2), rather than something missing (exit 1). */
      usage: boolean;
    };

/** The compression of the guard initrd: pure, so every case is in a table (test/boot/compression.test.ts). */
export function chooseCompression(o: CompressionInput): CompressionChoice {
  const reads = o.kernelConfig === null ? null : kernelReads(o.kernelConfig.text);
  const said = (c: Compression) => `${METHODS[c].symbol}=y in ${o.kernelConfig?.path}`;
  const notInstalled = (c: Compression) =>
    `${METHODS[c].tool} is not installed in ${o.tree} (apt-get install ${METHODS[c].package})`;
  const chosen = (c: Compression, reason: string, warnings: string[]): CompressionChoice => ({
    ok: true,
    compression: c,
    level: METHODS[c].level,
    reason,
    warnings,
  });
  if (o.requested !== undefined) {
    const c = o.requested;
    if (reads !== null && !reads.has(c))
      return {
        ok: false,
        usage: true,
        error: `--compress ${c}: the kernel cannot unpack it (${METHODS[c].symbol} is not set in ${o.kernelConfig?.path}); it reads ${readable(reads)}`,
      };
    if (!o.installed.has(c)) return { ok: false, usage: false, error: `--compress ${c}: ${notInstalled(c)}` };
    return reads === null
      ? chosen(c, `--compress ${c}`, [
          `${o.looked} is missing: cannot check that the kernel unpacks ${c}; a kernel that cannot will not boot this image`,
        ])
      : chosen(c, `--compress ${c}; ${said(c)}`, []);
  }
  if (reads === null) {
    if (!o.installed.has("gzip")) return { ok: false, usage: false, error: notInstalled("gzip") };
    return chosen("gzip", `${o.looked} is missing; gzip, which every kernel unpacks`, [
      `${o.looked} is missing: cannot tell which compressions the kernel unpacks, so gzip, the largest image (pass --compress zstd or xz if the kernel reads it)`,
    ]);
  }
  const missing: Compression[] = [];
  for (const c of COMPRESSIONS) {
    if (!reads.has(c)) continue;
    if (!o.installed.has(c)) {
      missing.push(c);
      continue;
    }
    return chosen(
      c,
      [said(c), ...missing.map((m) => `${METHODS[m].tool} is not installed`)].join("; "),
      missing.map(
        (m) =>
          `the kernel unpacks ${m} (${said(m)}), but ${notInstalled(m)}: ${describeCompression(c)}, a larger image`,
      ),
    );
  }
  if (reads.size === 0)
    return {
      ok: false,
      usage: false,
      error: `the kernel unpacks none of ${COMPRESSIONS.join(", ")} (${o.kernelConfig?.path} sets none of ${COMPRESSIONS.map((c) => METHODS[c].symbol).join(", ")})`,
    };
  return {
    ok: false,
    usage: false,
    error: `no compressor the kernel unpacks is installed: ${missing.map(notInstalled).join("; ")}`,
  };
}

/** "zstd, xz and gzip", or "none of gzip, zstd, xz". */
function readable(reads: ReadonlySet<Compression>): string {
  const list = COMPRESSIONS.filter((c) => reads.has(c));
  if (list.length === 0) return `none of ${COMPRESSIONS.join(", ")}`;
  return list.length === 1 ? `only ${list[0]}` : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
}

/** The kernel config of `kver` in `root`, where dracut looks for it: /boot/config-KVER, else /lib/modules/KVER/config. */
export function readKernelConfig(root: string, kver: string): { path: string; text: string } | null {
  for (const path of [`/boot/config-${kver}`, `/lib/modules/${kver}/config`]) {
    if (existsSync(join(root, path))) return { path, text: readFileSync(join(root, path), "utf8") };
  }
  return null;
}

/** "zstd -19": what regenerate prints. */
export function describeCompression(c: Compression): string {
  return `${c} -${METHODS[c].level}`;
}

/**
 * dracut's arguments for `c`. An explicit command line (dracut's --compress) keeps dracut from choosing its own level;
 * for gzip, --gzip lets it use pigz when installed (at -9).
 */
export function dracutCompressArgs(c: Compression): string[] {
  if (c === "gzip") return ["--gzip"];
  if (c === "zstd") return ["--compress", `zstd -${METHODS.zstd.level} -q -T0`];
  return ["--compress", `xz -${METHODS.xz.level} --check=crc32 -T0`];
}

/**
 * mkinitramfs' arguments for `c`: -c and -l override COMPRESS and COMPRESSLEVEL of initramfs.conf for this run only
 * (initramfs-tools 0.142; it adds -T0 for zstd and xz, --check=crc32 for xz, and takes pigz for gzip when installed).
 */
export function mkinitramfsCompressArgs(c: Compression): string[] {
  return ["-c", c, "-l", String(METHODS[c].level)];
}
