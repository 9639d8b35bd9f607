// A copy of the lab's cached Debian 12 root (qemu/image/build-base.sh) with clusterguard installed by `make install`,
// for tests that build real initrds in it with chroot (test/boot). Removed at the end, never through a mount.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BASE } from "../../qemu/src/paths.ts";

const REPO = resolve(import.meta.dir, "../..");

/** Run a command; its stdout, or throw with its stderr. */
export function sh(cmd: string[]): string {
  const r = Bun.spawnSync(cmd, { stderr: "pipe", stdout: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

export class DebianRoot {
  readonly path = mkdtempSync("/var/tmp/cg-chroot-");

  /** Copy the base root and `make install` clusterguard into it. */
  install(): void {
    const base = join(BASE, "rootfs");
    if (!existsSync(base)) throw new Error(`${base} is missing: make test builds it (qemu/image/build-base.sh)`);
    sh(["cp", "-a", "--reflink=auto", `${base}/.`, this.path]);
    sh(["make", "-s", "-C", REPO, "install", `DESTDIR=${this.path}`]);
  }

  /**
   * "apt-get install" without a network: the host's files at `paths` (host and base are both Debian 12) and each
   * library of theirs the tree lacks, at the same paths. A symbolic link (xzcat -> xz) is copied as a link.
   */
  fromHost(...paths: string[]): void {
    for (const path of paths) {
      const to = join(this.path, path);
      if (existsSync(to)) continue;
      mkdirSync(dirname(to), { recursive: true });
      if (lstatSync(path).isSymbolicLink()) {
        symlinkSync(readlinkSync(path), to);
        continue;
      }
      const libs = [...sh(["ldd", path]).matchAll(/=> (\/\S+)/g)].map((m) => m[1]!);
      copyFileSync(path, to);
      this.fromHost(...libs);
    }
  }

  /** Remove the copy, unless something is still mounted in it (chroot.ts unmounts its binds). */
  remove(): void {
    if (!sh(["cat", "/proc/self/mountinfo"]).includes(this.path)) rmSync(this.path, { recursive: true, force: true });
  }
}
