// A throwaway Debian 12 system: the lab's cached base root file system (qemu/image/build-base.sh) under an overlay,
// so the base is never written. Each run() mounts it in a private mount namespace with /proc and /dev, binds the
// host files it is given, and runs a shell script chrooted in it with a plain PATH (no Bun, no npm in there).
// What a script changes stays in the upper layer, so later runs see it, until dispose().
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BASE } from "../../qemu/src/paths.ts";

export const BASE_ROOTFS = join(BASE, "rootfs");

// Host side, as root in the new mount namespace: $1 the base, $2 the overlay folder, then SRC DST pairs up to --,
// then the script. Bind targets that had to be created are removed again, so the upper layer keeps no trace of them.
const ENTER = `
set -eu
base=$1 dir=$2; shift 2
m=$dir/merged
mount -t overlay overlay -o "lowerdir=$base,upperdir=$dir/upper,workdir=$dir/work" "$m"
mount -t proc proc "$m/proc"
mount --rbind /dev "$m/dev"
made=""
while [ "$1" != -- ]; do
  src=$1 dst=$m$2; shift 2
  if [ ! -e "$dst" ]; then
    mkdir -p "$(dirname "$dst")"
    if [ -d "$src" ]; then mkdir "$dst"; else : > "$dst"; fi
    made="$dst $made"
  fi
  mount --bind "$src" "$dst"
done
shift
rc=0
chroot "$m" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 /bin/sh -c "$1" || rc=$?
for d in $made; do umount "$d"; rmdir "$d" 2> /dev/null || rm -f "$d"; done
exit "$rc"
`;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class OverlayRoot {
  readonly dir: string;

  constructor() {
    if (!existsSync(BASE_ROOTFS))
      throw new Error(`${BASE_ROOTFS} is missing: make test builds it (qemu/image/build-base.sh)`);
    this.dir = mkdtempSync("/var/tmp/cg-overlay-");
    for (const d of ["upper", "work", "merged"]) mkdirSync(join(this.dir, d));
  }

  /** Run `script` with /bin/sh inside the system; each bind is [host path, path inside]. */
  run(script: string, binds: [string, string][] = []): RunResult {
    const r = Bun.spawnSync(
      [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "bash",
        "-c",
        ENTER,
        "enter",
        BASE_ROOTFS,
        this.dir,
        ...binds.flat(),
        "--",
        script,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  }

  /** Remove the overlay's layers (nothing is mounted outside a run). */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
