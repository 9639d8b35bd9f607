#!/usr/bin/env bash
# Make the lab's shared system disk from a root file system folder (no loop device): a GPT disk with
#   1  ext4 LABEL=cgroot  the root file system (SIZE)
#   2  ext4 LABEL=cglab   mounted on /var/lib/lab from fstab (64M)
#   3  vfat LABEL=CGEFI   the EFI system partition, mounted on /boot/efi from fstab (64M; vfat cannot be fsfrozen,
#                         only remounted read-only); with ESP_FROM=DIR it is /boot itself for systemd-boot, holding
#                         DIR's files (kernels, initrds, loader entries, the boot loader), ESP_MIB in size
#   4  BIOS boot          sectors 34-2047, before partition 1: where grub-install puts GRUB's core image on a GPT disk
# Partitions 2 and 3 are the other file systems a planned switchover must make unwritable besides the root.
#
# Usage: bash qemu/image/make-disk.sh ROOTFS OUT.img [SIZE]     (SIZE default 2G; as root)
#        env ESP_MIB (default 64) and ESP_FROM (a folder copied into the EFI system partition, default none)
# The image is written next to OUT.img and renamed into place, so OUT.img is never half made.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LABEL=cgroot
# The two small partitions after the root: ext4 and vfat, 64 MiB each unless ESP_MIB says otherwise for the vfat.
SMALL_MIB=64
ESP_MIB=${ESP_MIB:-$SMALL_MIB}
ESP_FROM=${ESP_FROM:-}

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

# Copy file system image FS into DISK at byte offset AT (holes stay holes).
place() {
  dd if="$1" of="$2" bs=4M seek="$3" oflag=seek_bytes conv=notrunc,sparse status=none || die "cannot copy $1 into $2 at byte $3"
}

# Create the three file systems with mkfs (root files copied in with owners, modes and xattrs by mkfs.ext4 -d),
# lay them out on a GPT disk and rename it into place.
make_image() {
  local rootfs=$1 out=$2 size=$3 tmp=$2.tmp bytes mib=$((1024 * 1024))
  bytes=$(numfmt --from=iec "$size")
  [ $((bytes % mib)) -eq 0 ] || die "SIZE $size is not a whole number of MiB"
  rm -f "$tmp" "$tmp".p1 "$tmp".p2 "$tmp".p3
  # shellcheck disable=SC2064 # the names are fixed now
  trap "rm -f '$tmp' '$tmp.p1' '$tmp.p2' '$tmp.p3'" EXIT
  mkfs.ext4 -q -F -L "$LABEL" -d "$rootfs" "$tmp".p1 "$size" || die "mkfs.ext4 -d $rootfs $tmp.p1 $size failed"
  mkfs.ext4 -q -F -L cglab "$tmp".p2 "${SMALL_MIB}M" || die "mkfs.ext4 $tmp.p2 failed"
  mkfs.vfat -n CGEFI -C "$tmp".p3 $((ESP_MIB * 1024)) >/dev/null || die "mkfs.vfat $tmp.p3 failed"
  if [ -n "$ESP_FROM" ]; then
    mcopy -s -p -Q -i "$tmp".p3 "$ESP_FROM"/* ::/ || die "mcopy $ESP_FROM into $tmp.p3 failed (ESP_MIB=$ESP_MIB too small?)"
  fi
  # 1 MiB before the first partition and 1 MiB after the last (GPT and its backup).
  truncate -s $((bytes + SMALL_MIB * mib + ESP_MIB * mib + 2 * mib)) "$tmp"
  printf 'label: gpt\nfirst-lba: 34\nstart=2048, size=%d, name=cgroot\nsize=%d, name=cglab\nsize=%d, type=U, name=cgefi\nstart=34, size=2014, type=21686148-6449-6E6F-744E-656564454649, name=biosboot\n' \
    $((bytes / 512)) $((SMALL_MIB * mib / 512)) $((ESP_MIB * mib / 512)) | sfdisk --quiet "$tmp" || die "sfdisk $tmp failed"
  place "$tmp".p1 "$tmp" $mib
  place "$tmp".p2 "$tmp" $((mib + bytes))
  place "$tmp".p3 "$tmp" $((mib + bytes + SMALL_MIB * mib))
  mv -f "$tmp" "$out"
}

main() {
  if [ $# -lt 2 ] || [ $# -gt 3 ]; then die "usage: make-disk.sh ROOTFS OUT.img [SIZE] (got $# arguments)"; fi
  local rootfs=$1 out=$2 size=${3:-2G} t0=$EPOCHREALTIME
  [ "$(id -u)" -eq 0 ] || die "run as root: the root file system has files only root can read"
  command -v mkfs.ext4 >/dev/null || bash "$REPO/test/install-host-deps.sh" e2fsprogs
  command -v sfdisk >/dev/null || bash "$REPO/test/install-host-deps.sh" fdisk
  command -v mkfs.vfat >/dev/null || bash "$REPO/test/install-host-deps.sh" dosfstools
  # Not for the disk itself: the lab reads files on a copy of the vfat partition with mtools (qemu/src/shared-disk.ts).
  command -v mtype >/dev/null || bash "$REPO/test/install-host-deps.sh" mtools
  check_rootfs "$rootfs" "$size"
  mkdir -p "$(dirname "$out")"
  make_image "$rootfs" "$out" "$size"
  echo "make-disk: $out (root $size LABEL=$LABEL, /var/lib/lab ${SMALL_MIB}M, EFI system partition ${ESP_MIB}M${ESP_FROM:+ from $ESP_FROM}, $(du -h "$out" | cut -f1) allocated)" \
    "in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f s", b-a}')"
}

main "$@"
