// `clusterguard initrd regenerate` compresses the guard initrd as the kernel allows, with real dracut in the lab's
// Debian 12 chroot (zstd and xz copied in from the host): zstd -19 by itself on Debian 12's kernel, said with the
// reason; the image has zstd's magic, verifies, and `config check --initrd` reads its config (xz's dracut arguments
// are table-tested in compression.test.ts, and config check reads xz images in test/cli/config.test.ts); --compress zstd on a kernel config without CONFIG_RD_ZSTD is refused (exit 2) before dracut. Then, in one build,
// a /boot (a tmpfs) without the kernel config and too small for the new image: gzip and a warning, then exit 1, a
// message naming the path, the bytes needed and free, and the old image byte for byte.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileFormat } from "../../src/boot/initrd-format.ts";
import { DebianRoot, sh } from "../helpers/debian-root.ts";
import { runExe } from "../helpers/exe.ts";

const REPO = resolve(import.meta.dir, "../..");
const debian = new DebianRoot();
const root = debian.path;
let kver = "";
let kernelConfig = "";
let image = "";
let bootMounted = false;

test.before(() => {
  debian.install();
  debian.fromHost("/usr/bin/zstd", "/usr/bin/xz", "/usr/bin/xzcat");
  copyFileSync(join(REPO, "test/fixtures/config/minimal.toml"), join(root, "etc/clusterguard/clusterguard.toml"));
  assert.is(runExe(["keygen", "--authkey", join(root, "etc/clusterguard/authkey")]).code, 0);
  kver = sh(["ls", join(root, "lib/modules")]).trim();
  kernelConfig = join(root, `boot/config-${kver}`);
  image = `/boot/initrd.img-${kver}-clusterguard`;
});
test.after(() => {
  if (bootMounted) sh(["umount", join(root, "boot")]);
  debian.remove();
});

const regenerate = (...args: string[]) => {
  const t0 = performance.now();
  const r = runExe(["initrd", "regenerate", "--root", root, "--kind", "shell", ...args]);
  return { ...r, seconds: (performance.now() - t0) / 1000 };
};

/**
 * `config check --initrd` of the tree's image against the tree's config, as an admin runs it on the node; with its
 * warnings about the image (the minimal config draws one about its fence levels too).
 */
const configCheck = (config = join(root, "etc/clusterguard/clusterguard.toml")) => {
  const r = runExe([
    "config",
    "check",
    "--config",
    config,
    "--authkey",
    join(root, "etc/clusterguard/authkey"),
    "--initrd",
    join(root, image),
  ]);
  return { ...r, about: r.stderr.split("\n").filter((l) => l.includes(image)) };
};

/** The image's compression from its bytes, checked against the compressor's magic number at that offset. */
function compressionOf(path: string): string {
  const f = fileFormat(path);
  const magic = { zstd: "28b52ffd", xz: "fd377a585a00", gzip: "1f8b" }[f.format as "zstd" | "xz" | "gzip"];
  if (magic !== undefined)
    assert.is(
      readFileSync(path)
        .subarray(f.offset, f.offset + magic.length / 2)
        .toString("hex"),
      magic,
    );
  return f.format;
}

/** The image's size, for the record. */
const size = () => `${(statSync(join(root, image)).size / 2 ** 20).toFixed(1)} MiB`;

test("Debian 12's kernel reads zstd: regenerate picks zstd -19, says why, and the image is zstd, verified", () => {
  assert.match(readFileSync(kernelConfig, "utf8"), /^CONFIG_RD_ZSTD=y$/m);
  const r = regenerate();
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `\ncompression: zstd -19 (CONFIG_RD_ZSTD=y in /boot/config-${kver})\n`);
  assert.match(r.stdout, / --compress zstd -19 -q -T0 /);
  assert.match(r.stdout, `built ${image} for kernel ${kver} in `);
  assert.match(r.stdout, "verified: executable sha256 ");
  assert.is(r.stderr, "", "no warning");
  assert.is(compressionOf(join(root, image)), "zstd");
  assert.is(statSync(join(root, image)).mode & 0o777, 0o600);
  assert.equal(
    readdirSync(join(root, "var/tmp")).filter((n) => n.startsWith("clusterguard-initrd-")),
    [],
    "the scratch folder is gone",
  );
  console.log(`  shell guard initrd, zstd -19: ${size()}, regenerate ${r.seconds.toFixed(1)} s`);
});

test("config check --initrd reads the config and authkey out of the zstd image", () => {
  const same = configCheck();
  assert.is(same.code, 0, same.stderr);
  assert.equal(same.about, [], "the image holds the same config and authkey");
  const edited = join(root, "edited.toml");
  const text = readFileSync(join(root, "etc/clusterguard/clusterguard.toml"), "utf8");
  writeFileSync(edited, `${text}\n[timers]\ndeadtime = 9000\n`);
  assert.equal(configCheck(edited).about, [
    `warning: ${join(root, image)}: its configuration is another: run 'clusterguard initrd regenerate' (the guard in the initrd runs with the image's copy)`,
  ]);
});

test("--compress zstd for a kernel built without CONFIG_RD_ZSTD is refused before dracut, exit 2", () => {
  const before = readFileSync(join(root, image));
  const original = readFileSync(kernelConfig, "utf8");
  writeFileSync(kernelConfig, original.replace(/^CONFIG_RD_ZSTD=y$/m, "# CONFIG_RD_ZSTD is not set"));
  try {
    const r = regenerate("--compress", "zstd");
    assert.is(r.code, 2, r.stderr);
    assert.is(
      r.stderr,
      `clusterguard initrd regenerate: --compress zstd: the kernel cannot unpack it (CONFIG_RD_ZSTD is not set in /boot/config-${kver}); it reads xz and gzip\n`,
    );
    assert.ok(readFileSync(join(root, image)).equals(before), "the image is untouched");
  } finally {
    writeFileSync(kernelConfig, original);
  }
});

test("without a kernel config: gzip and a warning; a /boot without room for it: exit 1, path, bytes needed and free named, the old image byte for byte", () => {
  // One build for both (each dracut run costs a minute or two): /boot becomes a 6 MiB tmpfs holding an old guard
  // initrd of 1 MiB and no kernel config, so the choice falls back to gzip, and the gzip image does not fit.
  const old = Buffer.concat([Buffer.from("070701"), Buffer.alloc(2 ** 20 - 6, 7)]);
  sh(["mount", "-t", "tmpfs", "-o", "size=6m,mode=0755", "tmpfs", join(root, "boot")]);
  bootMounted = true;
  writeFileSync(join(root, image), old, { mode: 0o600 });
  const r = regenerate();
  assert.is(r.code, 1, r.stdout);
  const [warning, refusal, ...rest] = r.stderr.split("\n");
  assert.is(
    warning,
    `clusterguard initrd regenerate: warning: /boot/config-${kver} is missing: cannot tell which compressions the kernel unpacks, so gzip, the largest image (pass --compress zstd or xz if the kernel reads it)`,
  );
  assert.equal(rest, [""]);
  const m =
    /^clusterguard initrd regenerate: not enough room for (\S+): the new image needs (\d+) bytes \([\d.]+ MiB\) on the file system of \/boot \(its size and a 1 MiB margin\), and (\d+) bytes \([\d.]+ MiB\) are free; nothing was written, the old image is unchanged\. Make room \(remove an old kernel, or grow \/boot\) and run 'clusterguard initrd regenerate' again$/.exec(
      refusal ?? "",
    );
  assert.ok(m, r.stderr);
  assert.is(m![1], image);
  // gzip -9 of this image is near 90 MiB, zstd -19 68 MiB, xz -6 64 MiB (above).
  assert.ok(Number(m![2]) > 80 * 2 ** 20, `the new image is gzip-sized: ${m![2]} bytes`);
  assert.ok(
    Number(m![3]) <= 5 * 2 ** 20 && Number(m![3]) > 4.5 * 2 ** 20,
    `what the 6 MiB tmpfs has free beside the old 1 MiB image: ${m![3]}`,
  );
  assert.ok(readFileSync(join(root, image)).equals(old), "the old image, byte for byte");
  assert.equal(readdirSync(join(root, "boot")), [`initrd.img-${kver}-clusterguard`]);
  console.log(
    `  shell guard initrd, gzip -9: ${(Number(m![2]) / 2 ** 20 - 1).toFixed(1)} MiB, regenerate ${r.seconds.toFixed(1)} s`,
  );
});

test.run();
