// How `initrd regenerate` compresses the guard initrd: the best the kernel unpacks (zstd, xz, gzip) with its
// compressor installed, --compress when the kernel config allows it, gzip with a warning without a kernel config; and
// what dracut and mkinitramfs are asked for.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  type Compression,
  type CompressionInput,
  chooseCompression,
  dracutCompressArgs,
  kernelReads,
  mkinitramfsCompressArgs,
} from "../../src/boot/compression.ts";

const CONFIG = "/boot/config-6.1.0-57-amd64";
/** A kernel config setting these CONFIG_RD_* options to y (and the others "is not set", as make writes them). */
const kernel = (...y: string[]) => ({
  path: CONFIG,
  text: ["GZIP", "BZIP2", "LZMA", "XZ", "LZO", "LZ4", "ZSTD"]
    .map((s) => (y.includes(s) ? `CONFIG_RD_${s}=y` : `# CONFIG_RD_${s} is not set`))
    .join("\n"),
});
const ALL = new Set<Compression>(["gzip", "zstd", "xz"]);
const input = (o: Partial<CompressionInput>): CompressionInput => ({
  kernelConfig: kernel("GZIP", "XZ", "ZSTD"),
  looked: CONFIG,
  installed: ALL,
  tree: "/",
  ...o,
});

test("kernelReads: only CONFIG_RD_*=y counts, not a comment, =n or a longer name", () => {
  assert.equal([...kernelReads(kernel("GZIP", "XZ", "ZSTD").text)].sort(), ["gzip", "xz", "zstd"]);
  assert.equal([...kernelReads(kernel("GZIP").text)], ["gzip"]);
  assert.equal([...kernelReads("CONFIG_RD_ZSTD=n\nCONFIG_RD_ZSTDX=y\n#CONFIG_RD_XZ=y\nCONFIG_RD_GZIP=y\n")], ["gzip"]);
  assert.equal([...kernelReads("")], []);
});

const cases: [string, Partial<CompressionInput>, { compression: Compression; reason: string; warnings?: RegExp[] }][] =
  [
    [
      "Debian 12: zstd -19, because the kernel reads it",
      {},
      { compression: "zstd", reason: `CONFIG_RD_ZSTD=y in ${CONFIG}` },
    ],
    [
      "a kernel without zstd (before 5.9): xz",
      { kernelConfig: kernel("GZIP", "XZ") },
      { compression: "xz", reason: `CONFIG_RD_XZ=y in ${CONFIG}` },
    ],
    [
      "a kernel with gzip only: gzip",
      { kernelConfig: kernel("GZIP", "LZ4") },
      { compression: "gzip", reason: `CONFIG_RD_GZIP=y in ${CONFIG}` },
    ],
    [
      "zstd not installed: xz, saying why and how to get zstd",
      { installed: new Set(["gzip", "xz"]) },
      {
        compression: "xz",
        reason: `CONFIG_RD_XZ=y in ${CONFIG}; zstd is not installed`,
        warnings: [
          /^the kernel unpacks zstd \(CONFIG_RD_ZSTD=y in .*\), but zstd is not installed in \/ \(apt-get install zstd\): xz -6, a larger image$/,
        ],
      },
    ],
    [
      "neither zstd nor xz installed (the lab's minimal base): gzip, with both warnings",
      { installed: new Set(["gzip"]) },
      {
        compression: "gzip",
        reason: `CONFIG_RD_GZIP=y in ${CONFIG}; zstd is not installed; xz is not installed`,
        warnings: [/apt-get install zstd\): gzip -9/, /apt-get install xz-utils\): gzip -9/],
      },
    ],
    [
      "no kernel config: gzip, which every kernel reads, with a warning",
      { kernelConfig: null },
      {
        compression: "gzip",
        reason: `${CONFIG} is missing; gzip, which every kernel unpacks`,
        warnings: [/^\/boot\/config-6\.1\.0-57-amd64 is missing: cannot tell which compressions the kernel unpacks/],
      },
    ],
    [
      "--compress xz where the kernel reads it",
      { requested: "xz" },
      { compression: "xz", reason: `--compress xz; CONFIG_RD_XZ=y in ${CONFIG}` },
    ],
    [
      "--compress gzip on a kernel that reads zstd too",
      { requested: "gzip" },
      { compression: "gzip", reason: `--compress gzip; CONFIG_RD_GZIP=y in ${CONFIG}` },
    ],
    [
      "--compress zstd without a kernel config: done, with a warning that it could not be checked",
      { requested: "zstd", kernelConfig: null },
      { compression: "zstd", reason: "--compress zstd", warnings: [/cannot check that the kernel unpacks zstd/] },
    ],
  ];

for (const [name, given, want] of cases)
  test(name, () => {
    const r = chooseCompression(input(given));
    assert.ok(r.ok, JSON.stringify(r));
    if (!r.ok) return;
    assert.is(r.compression, want.compression);
    assert.is(r.reason, want.reason);
    assert.is(r.warnings.length, want.warnings?.length ?? 0, r.warnings.join("\n"));
    for (const [i, w] of (want.warnings ?? []).entries()) assert.match(r.warnings[i]!, w);
  });

const refusals: [string, Partial<CompressionInput>, { usage: boolean; error: string }][] = [
  [
    "--compress zstd on a kernel without CONFIG_RD_ZSTD: refused, a usage error",
    { requested: "zstd", kernelConfig: kernel("GZIP", "XZ") },
    {
      usage: true,
      error: `--compress zstd: the kernel cannot unpack it (CONFIG_RD_ZSTD is not set in ${CONFIG}); it reads xz and gzip`,
    },
  ],
  [
    "--compress xz on a gzip-only kernel",
    { requested: "xz", kernelConfig: kernel("GZIP") },
    {
      usage: true,
      error: `--compress xz: the kernel cannot unpack it (CONFIG_RD_XZ is not set in ${CONFIG}); it reads only gzip`,
    },
  ],
  [
    "--compress zstd without zstd installed: a missing tool, not a usage error",
    { requested: "zstd", installed: new Set(["gzip"]), tree: "/var/tmp/root" },
    { usage: false, error: "--compress zstd: zstd is not installed in /var/tmp/root (apt-get install zstd)" },
  ],
  [
    "a kernel config that enables none of the three",
    { kernelConfig: kernel("LZ4", "LZO") },
    {
      usage: false,
      error: `the kernel unpacks none of zstd, xz, gzip (${CONFIG} sets none of CONFIG_RD_ZSTD, CONFIG_RD_XZ, CONFIG_RD_GZIP)`,
    },
  ],
  [
    "the kernel reads xz only and xz is not installed",
    { kernelConfig: kernel("XZ"), installed: new Set(["gzip"]) },
    {
      usage: false,
      error: "no compressor the kernel unpacks is installed: xz is not installed in / (apt-get install xz-utils)",
    },
  ],
];

for (const [name, given, want] of refusals)
  test(name, () => {
    assert.equal(chooseCompression(input(given)), { ok: false, ...want });
  });

test("what the builders are asked for: one command line per compression, the same levels for both", () => {
  assert.equal(dracutCompressArgs("zstd"), ["--compress", "zstd -19 -q -T0"]);
  assert.equal(dracutCompressArgs("xz"), ["--compress", "xz -6 --check=crc32 -T0"]);
  assert.equal(dracutCompressArgs("gzip"), ["--gzip"]);
  assert.equal(mkinitramfsCompressArgs("zstd"), ["-c", "zstd", "-l", "19"]);
  assert.equal(mkinitramfsCompressArgs("xz"), ["-c", "xz", "-l", "6"]);
  assert.equal(mkinitramfsCompressArgs("gzip"), ["-c", "gzip", "-l", "9"]);
});

test.run();
