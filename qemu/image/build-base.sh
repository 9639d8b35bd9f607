#!/usr/bin/env bash
# Build (or reuse from the cache) the Debian 12 base root file system, kernel and initrd of the QEMU lab.
#
# Usage: bash qemu/image/build-base.sh [--force]      (as root; Debian 12 host)
# Ctrl-C during apt-get waits until apt/dpkg finish (they ignore it), then unmounts and stops.
#
# Output, under $CG_LAB_CACHE (default /var/cache/clusterguard-lab, outside the clone):
#   base/rootfs/         the root file system (turn it into a disk with make-disk.sh)
#   base/vmlinuz         the kernel, for qemu -kernel
#   base/initrd.img      Debian's generic dracut initrd, for qemu -initrd
#   base/kernel-version  e.g. 6.1.0-39-amd64 (modules are in base/rootfs/lib/modules/<it>)
#   base/kernel-upgrade  the newer kernel's version whose packages wait in rootfs/root/kernel-upgrade/,
#                        or "none" when the mirror has no kernel newer than the point release's
#   base/packages.txt    name<TAB>version of every installed package
#   base/stamp           the inputs of the build; unchanged inputs => nothing is rebuilt
#   base/logs/           debootstrap and apt output
#   debs/                warm .deb caches (debootstrap and the chroot's apt)
#
# Environment: CG_LAB_CACHE (cache folder), CG_LAB_MIRROR / CG_LAB_SECURITY_MIRROR (Debian
# mirrors; default: the ones in the host's apt sources), CG_LAB_EXTRA_PKGS (more packages,
# space separated, installed in the chroot).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SUITE=bookworm
ARCH=amd64
# debootstrap --include: what the lab's userland needs (systemd-networkd is part of systemd).
BASE_PKGS=(systemd-sysv udev iproute2 kmod e2fsprogs util-linux procps iputils-ping)
# apt-get inside the chroot: cannot go into --include (dracut conflicts with initramfs-tools).
# dracut first, the kernel second: then the kernel postinst builds the initrd once (installed
# together, dracut's deferred trigger builds it a second time).
# Not dracut-network: its /etc/dracut.conf.d/11-ifcfg.conf forces module ifcfg -> network ->
# systemd-networkd -> dbus, and without dbus-daemon every initrd build (and so the kernel
# postinst) fails. The guard brings its links up itself (ip + virtio_net in its own module).
DRACUT_PKGS=(dracut)
# The point release's kernel (the suite's own, not the security suite's): a kernel upgrade is then the admin's
# everyday one, to the security suite's newer kernel, whose packages wait in /root/kernel-upgrade of the image
# (the lab's kernel-upgrade scenario installs them in the running pair).
KERNEL_PKGS=("linux-image-amd64/$SUITE")
UPGRADE_DIR=root/kernel-upgrade
# The fence tool of the lab's first fence level: each VM's BMC, over IPMI-over-LAN (qemu/src/bmc.ts).
FENCE_PKGS=(ipmitool)
# GRUB for BIOS (SeaBIOS): the VMs boot the shared disk through it, as a real pair does (grub-install runs in a
# provisioning boot of the image, where /dev/vda is a disk; qemu/src/provision.ts).
BOOT_PKGS=(grub-pc-bin grub2-common)
read -r -a EXTRA_PKGS <<<"${CG_LAB_EXTRA_PKGS:-}"
FORCE=0
MOUNTS_UNDER=""   # the build folder, whose mounts the exit trap removes

# Print an error and stop.
die() { echo "build-base: error: $*" >&2; exit 1; }

# Print a progress line.
say() { echo "build-base: $*"; }

# Run "$@" as a named step and print how long it took.
step() {
  local name=$1 t0; shift
  t0=$EPOCHREALTIME
  say "--> $name"
  "$@"
  say "<-- $name: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f s", b-a}')"
}

# Run a command with its output in a log file; on failure show the log's tail and stop.
run_logged() {
  local log=$1; shift
  if ! "$@" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "'$*' failed; full log: $log"
  fi
}

# Parse the command line.
parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --force) FORCE=1 ;;
      -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument '$1' (expected: --force)" ;;
    esac
    shift
  done
}

# Print the first mirror URI that the host's apt sources (deb822 or one-line) use for suite $1.
host_mirror_for() {
  local suite=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
      { uri = ""; ok = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
          if ($i ~ /^Suites:/) { n = split($i, b, /[ \t]+/); for (j = 2; j <= n; j++) if (b[j] == s) ok = 1 }
        }
        if (ok && uri != "") { print uri; exit } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    sed -e 's/\[[^]]*\]//' "$f" | awk -v s="$suite" '$1 == "deb" && $3 == s { print $2; exit }'
  done
}

# Set MIRROR and SECURITY_MIRROR from the environment, else from the host's apt sources.
pick_mirrors() {
  MIRROR=${CG_LAB_MIRROR:-$(host_mirror_for "$SUITE" | head -n 1)}
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  SECURITY_MIRROR=${CG_LAB_SECURITY_MIRROR:-$(host_mirror_for "$SUITE-security" | head -n 1)}
  SECURITY_MIRROR=${SECURITY_MIRROR:-http://security.debian.org/debian-security}
}

# Stop unless this is a Debian host run as root, and install the host tools that are missing.
check_host() {
  [ "$(id -u)" -eq 0 ] || die "run as root: debootstrap, chroot and mount need it"
  [ -r /etc/debian_version ] || die "this needs a Debian host (apt-get, debootstrap)"
  bash "$REPO/test/install-host-deps.sh" debootstrap debian-archive-keyring e2fsprogs util-linux coreutils
}

# Set the cache paths (absolute, symlinks resolved) and create the folders.
set_paths() {
  local cache=${CG_LAB_CACHE:-/var/cache/clusterguard-lab}
  mkdir -p "$cache/debs/debootstrap" "$cache/debs/apt/partial"
  CACHE=$(cd "$cache" && pwd -P)
  OUT=$CACHE/base
  BUILD=$CACHE/base.build
  ROOT=$BUILD/rootfs
}

# Print the build's inputs; a build whose stamp holds the same text is up to date.
stamp_text() {
  echo "script $(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"
  echo "suite $SUITE $ARCH"
  echo "mirror $MIRROR"
  echo "security-mirror $SECURITY_MIRROR"
  echo "debootstrap-include ${BASE_PKGS[*]}"
  echo "chroot-packages ${DRACUT_PKGS[*]} / ${KERNEL_PKGS[*]} ${FENCE_PKGS[*]} ${BOOT_PKGS[*]} / ${EXTRA_PKGS[*]}"
}

# True when the cached output exists and was built from the same inputs.
up_to_date() {
  [ -f "$OUT/stamp" ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] &&
    [ -e "$OUT/rootfs/sbin/init" ] && [ "$(cat "$OUT/stamp")" = "$(stamp_text)" ]
}

# Print every mount point at or below folder $1, deepest first.
mounts_below() {
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Unmount everything at or below folder $1 (also what an interrupted debootstrap left).
unmount_below() {
  local m
  for m in $(mounts_below "$1"); do
    umount "$m" 2>/dev/null || umount -l "$m" || echo "build-base: warning: cannot unmount $m" >&2
  done
}

# Delete folder $1, refusing while anything is mounted below it (never rm through a bind of /dev).
safe_rm_tree() {
  [ -e "$1" ] || return 0
  [ -z "$(mounts_below "$1")" ] || die "refusing to delete $1: still mounted: $(mounts_below "$1" | tr '\n' ' ')"
  rm -rf --one-file-system "$1"
}

# Exit trap: take down the chroot's mounts whatever happened.
cleanup() {
  [ -n "$MOUNTS_UNDER" ] && unmount_below "$MOUNTS_UNDER"
  return 0
}

# Bootstrap the minimal Debian system into $ROOT with a warm .deb cache.
do_debootstrap() {
  unmount_below "$BUILD"   # left by an interrupted earlier build (we hold the lock)
  safe_rm_tree "$BUILD"
  mkdir -p "$ROOT" "$BUILD/logs"
  local include
  include=$(IFS=,; echo "${BASE_PKGS[*]}")
  run_logged "$BUILD/logs/debootstrap.log" debootstrap --variant=minbase --arch="$ARCH" \
    --include="$include" --cache-dir="$CACHE/debs/debootstrap" "$SUITE" "$ROOT" "$MIRROR"
  # debootstrap leaves a copy of every .deb in the target; the cache keeps them already.
  rm -f "$ROOT"/var/cache/apt/archives/*.deb
}

# Mount proc, sys, dev, dev/pts and the warm apt archive into the chroot.
mount_chroot() {
  mount -t proc proc "$ROOT/proc"
  mount -t sysfs sysfs "$ROOT/sys"
  mount --bind /dev "$ROOT/dev"
  mount --bind /dev/pts "$ROOT/dev/pts"
  mount --bind "$CACHE/debs/apt" "$ROOT/var/cache/apt/archives"
}

# Run a command inside the chroot with a clean, non-interactive environment.
in_chroot() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    chroot "$ROOT" "$@"
}

# Write the chroot's apt sources, resolver, no-daemon policy and dracut settings before apt runs.
prepare_chroot() {
  rm -f "$ROOT/etc/apt/sources.list"
  cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$ROOT/etc/apt/apt.conf.d/90clusterguard-lab"
  cat /etc/resolv.conf >"$ROOT/etc/resolv.conf"
  printf '#!/bin/sh\n# No daemons start while the image is built.\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
  mkdir -p "$ROOT/etc/dracut.conf.d"
  cat >"$ROOT/etc/dracut.conf.d/10-clusterguard-lab.conf" <<'EOF'
# clusterguard lab: the image is built in a chroot and booted on other machines, so
# never build a host-only initrd (it would describe the build host, not the VMs).
hostonly="no"
hostonly_cmdline="no"
EOF
}

# Install the kernel and dracut (not initramfs-tools) inside the chroot.
chroot_apt() {
  local log=$BUILD/logs/apt.log
  run_logged "$log" in_chroot apt-get update
  run_logged "$log" in_chroot apt-get install -y --no-install-recommends "${DRACUT_PKGS[@]}"
  run_logged "$log" in_chroot apt-get install -y --no-install-recommends "${KERNEL_PKGS[@]}" "${FENCE_PKGS[@]}" "${BOOT_PKGS[@]}" "${EXTRA_PKGS[@]}"
  local status
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's field, not a shell variable
  status=$(in_chroot dpkg-query -W -f='${Status}' initramfs-tools 2>/dev/null || true)
  [ "$status" != "install ok installed" ] || die "initramfs-tools got installed in the chroot; dracut must replace it"
}

# Download the newest kernel (the linux-image-amd64 candidate and the image package it depends on) into
# $ROOT/$UPGRADE_DIR when it is newer than the installed one; write its version to $BUILD/kernel-upgrade, or "none".
download_upgrade() {
  local log=$BUILD/logs/apt.log installed candidate image
  # shellcheck disable=SC2016 # ${Version} is dpkg-query's field, not a shell variable
  installed=$(in_chroot dpkg-query -W -f='${Version}' linux-image-amd64)
  candidate=$(in_chroot apt-cache policy linux-image-amd64 | awk '$1 == "Candidate:" { print $2 }')
  mkdir -p "$ROOT/$UPGRADE_DIR"
  if [ -z "$candidate" ] || ! in_chroot dpkg --compare-versions "$candidate" gt "$installed"; then
    say "no kernel newer than $installed in the mirrors: the kernel-upgrade scenario cannot run"
    echo none >"$BUILD/kernel-upgrade"
    return 0
  fi
  # awk reads to the end: an early exit would fail the pipe (pipefail) on apt-cache's SIGPIPE.
  image=$(in_chroot apt-cache show "linux-image-amd64=$candidate" | awk -F'[ ,(]+' '$1 == "Depends:" && !n++ { print $2 }')
  [ -n "$image" ] || die "linux-image-amd64 $candidate names no kernel image package"
  run_logged "$log" in_chroot sh -c "cd /$UPGRADE_DIR && apt-get download linux-image-amd64=$candidate $image=$candidate"
  echo "${image#linux-image-}" >"$BUILD/kernel-upgrade"
  say "kernel upgrade $installed -> $candidate ($image) waits in /$UPGRADE_DIR"
}

# Set KVER to the one kernel version installed in the chroot.
find_kernel() {
  local k=("$ROOT"/boot/vmlinuz-*)
  if [ ${#k[@]} -ne 1 ] || [ ! -f "${k[0]}" ]; then
    die "expected exactly one kernel in $ROOT/boot, found: ${k[*]}"
  fi
  KVER=${k[0]##*/vmlinuz-}
}

# Make sure the kernel's postinst produced the generic initrd; build it if it did not.
ensure_initrd() {
  find_kernel
  if [ ! -s "$ROOT/boot/initrd.img-$KVER" ]; then
    say "the kernel postinst left no initrd: building a generic one"
    run_logged "$BUILD/logs/apt.log" in_chroot dracut --no-hostonly --force "/boot/initrd.img-$KVER" "$KVER"
  fi
}

# Configure identity, login, mounts and networking of the image.
configure_image() {
  # The node's identity comes from the kernel command line (systemd.hostname=NAME and the
  # rd.clusterguard.* args), never from the shared image: "shared" is only a placeholder.
  echo shared >"$ROOT/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tshared\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
  printf '# <file system>\t<mount point>\t<type>\t<options>\t<dump>\t<pass>\nLABEL=cgroot\t/\text4\tdefaults,errors=remount-ro\t0\t1\n' \
    >"$ROOT/etc/fstab"
  # Lab only: root has no password and is logged in automatically on the serial console.
  run_logged "$BUILD/logs/configure.log" in_chroot passwd -d root
  mkdir -p "$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d"
  cat >"$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 - $TERM
EOF
  # systemd-networkd runs; the lab writes the crossover link's .network files itself.
  run_logged "$BUILD/logs/configure.log" in_chroot systemctl enable systemd-networkd.service
  run_logged "$BUILD/logs/configure.log" in_chroot systemctl disable systemd-networkd-wait-online.service
  # Empty machine-id: generated on first boot (not baked into every copy of the image).
  : >"$ROOT/etc/machine-id"
  rm -f "$ROOT/var/lib/dbus/machine-id"
  printf '# Written at boot by the lab (or left empty: the crossover link needs no DNS).\n' >"$ROOT/etc/resolv.conf"
}

# Remove build-time leftovers (no-daemon policy, apt lists) from the image.
finish_chroot() {
  rm -f "$ROOT/usr/sbin/policy-rc.d"
  rm -rf "$ROOT/var/lib/apt/lists/"* "$ROOT/var/cache/apt/"*.bin
  mkdir -p "$ROOT/var/lib/apt/lists/partial"
}

# Install packages and configure the image inside the chroot, always unmounting afterwards.
chroot_stage() {
  prepare_chroot
  MOUNTS_UNDER=$ROOT
  mount_chroot
  step "chroot apt-get (kernel, dracut)" chroot_apt
  step "download the newer kernel" download_upgrade
  step "initrd check" ensure_initrd
  step "configure image" configure_image
  unmount_below "$ROOT"
  MOUNTS_UNDER=""
  [ -z "$(mounts_below "$ROOT")" ] || die "could not unmount: $(mounts_below "$ROOT" | tr '\n' ' ')"
  finish_chroot
}

# Copy the kernel and initrd out, write the manifest and stamp, and swap the build into place.
export_outputs() {
  find_kernel
  cp "$ROOT/boot/vmlinuz-$KVER" "$BUILD/vmlinuz"
  cp "$ROOT/boot/initrd.img-$KVER" "$BUILD/initrd.img"
  chmod 0644 "$BUILD/vmlinuz" "$BUILD/initrd.img"   # generic, no secrets (dracut writes 0600)
  echo "$KVER" >"$BUILD/kernel-version"
  [ -s "$BUILD/kernel-upgrade" ] || die "no kernel-upgrade record"
  dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f='${Package}\t${Version}\n' >"$BUILD/packages.txt"
  stamp_text >"$BUILD/stamp"
  safe_rm_tree "$OUT"
  mv "$BUILD" "$OUT"
}

# Print where the outputs are and how big they are.
report() {
  say "kernel $(cat "$OUT/kernel-version")"
  say "rootfs  $OUT/rootfs ($(du -sh --one-file-system "$OUT/rootfs" | cut -f1), $(wc -l <"$OUT/packages.txt") packages)"
  say "vmlinuz $OUT/vmlinuz ($(du -h "$OUT/vmlinuz" | cut -f1))"
  say "initrd  $OUT/initrd.img ($(du -h "$OUT/initrd.img" | cut -f1))"
}

main() {
  parse_args "$@"
  check_host
  set_paths
  pick_mirrors
  exec 9>"$CACHE/.build-base.lock"
  flock -n 9 || { say "waiting for another build-base.sh to finish"; flock 9; }
  if [ "$FORCE" -eq 0 ] && up_to_date; then
    say "up to date (inputs unchanged; --force rebuilds)"
    report
    return 0
  fi
  say "building into $BUILD from $MIRROR ($SUITE, $ARCH)"
  trap cleanup EXIT
  trap 'echo "build-base: interrupted: unmounting, the cached base/ is left as it was" >&2; exit 130' INT TERM
  local t0=$EPOCHREALTIME
  MOUNTS_UNDER=$BUILD
  step "debootstrap (minbase)" do_debootstrap
  chroot_stage
  step "export kernel, initrd, stamp" export_outputs
  say "total: $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f s", b-a}')"
  report
}

main "$@"
