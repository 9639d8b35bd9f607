#!/usr/bin/env bash
# Make a raw ext4 disk image labelled cgroot from a root file system folder (no loop device).
#
# Usage: bash qemu/image/make-disk.sh ROOTFS OUT.img [SIZE]     (SIZE default 2G; as root)
# The image is written next to OUT.img and renamed into place, so OUT.img is never half made.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LABEL=cgroot

# Print an error and stop.
die() { echo "make-disk: error: $*" >&2; exit 1; }

# Stop unless ROOTFS looks like a complete, unmounted root file system that fits in SIZE.
check_rootfs() {
  local rootfs=$1 size=$2 need have
  [ -d "$rootfs" ] || die "ROOTFS '$rootfs' is not a folder"
  [ -e "$rootfs/sbin/init" ] || die "ROOTFS '$rootfs' has no sbin/init: not a root file system (build it with build-base.sh)"
  local abs; abs=$(cd "$rootfs" && pwd -P)
  if awk -v d="$abs" 'index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    die "something is mounted below $abs (a chroot's proc/sys/dev?): unmount it first, or it ends up in the image"
  fi
  have=$(numfmt --from=iec "$size" 2>/dev/null) || die "SIZE '$size' is not a size like 2G or 1536M"
  need=$(du -sb --one-file-system "$rootfs" | cut -f1)
  [ $((need + need / 5)) -lt "$have" ] || die "ROOTFS holds $(numfmt --to=iec "$need") of files: SIZE $size is too small (allow ~20% more)"
}

# Create OUT with mkfs.ext4 -d (files copied in with owners, modes and xattrs) and rename it into place.
make_image() {
  local rootfs=$1 out=$2 size=$3 tmp=$2.tmp
  rm -f "$tmp"
  if ! mkfs.ext4 -q -F -L "$LABEL" -d "$rootfs" "$tmp" "$size"; then
    rm -f "$tmp"
    die "mkfs.ext4 -d $rootfs $tmp $size failed"
  fi
  mv -f "$tmp" "$out"
}

main() {
  if [ $# -lt 2 ] || [ $# -gt 3 ]; then die "usage: make-disk.sh ROOTFS OUT.img [SIZE] (got $# arguments)"; fi
  local rootfs=$1 out=$2 size=${3:-2G} t0=$EPOCHREALTIME
  [ "$(id -u)" -eq 0 ] || die "run as root: the root file system has files only root can read"
  command -v mkfs.ext4 >/dev/null || bash "$REPO/test/install-host-deps.sh" e2fsprogs
  check_rootfs "$rootfs" "$size"
  mkdir -p "$(dirname "$out")"
  make_image "$rootfs" "$out" "$size"
  echo "make-disk: $out ($size, LABEL=$LABEL, $(du -h "$out" | cut -f1) allocated)" \
    "in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f s", b-a}')"
}

main "$@"
