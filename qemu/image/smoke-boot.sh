#!/usr/bin/env bash
# Boot the cached base image once under QEMU (TCG) and check that it reaches a login prompt.
#
# Usage: bash qemu/image/smoke-boot.sh [TIMEOUT_SECONDS]      (default 240; as root)
# Not part of a normal build: a manual check after build-base.sh changed. Makes a throw-away
# disk ($CG_LAB_CACHE/smoke/disk.img), logs the serial console to $CG_LAB_CACHE/smoke/console.log,
# prints when each boot milestone first appeared, then stops QEMU. Exit 0 = login prompt seen.
# CG_LAB_ACCEL overrides the accelerator (default tcg: /dev/kvm on the lab host is not usable);
# CG_SMOKE_APPEND adds kernel arguments (e.g. systemd.hostname=node-a).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${CG_LAB_CACHE:-/var/cache/clusterguard-lab}
BASE=$CACHE/base
SMOKE=$CACHE/smoke
TIMEOUT=${1:-240}
QEMU_PID=""
# Milestones: "label|text on the console".
MILESTONES=(
  "kernel banner|Linux version"
  "initrd: root mounted|Initrd Root File System"
  "switch root|initrd-switch-root.service"
  "multi-user target|Multi-User System"
  "login prompt|login:"
  "autologin shell|root@"
)
LOGIN=4          # index of the milestone that means success
SHELL_WAIT=20    # seconds to wait after it for the autologin shell prompt

# Print an error and stop.
die() { echo "smoke-boot: error: $*" >&2; exit 1; }

# Exit trap: stop the QEMU this script started (by its pid only).
cleanup() { [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null; wait 2>/dev/null; return 0; }

# Make a fresh disk from the cached rootfs.
make_disk() {
  [ -f "$BASE/stamp" ] || die "no base image in $BASE: run qemu/image/build-base.sh first"
  mkdir -p "$SMOKE"
  bash "$HERE/make-disk.sh" "$BASE/rootfs" "$SMOKE/disk.img" 2G
}

# Start QEMU in the background with the serial console going to console.log.
start_qemu() {
  : >"$SMOKE/console.log"
  qemu-system-x86_64 -accel "${CG_LAB_ACCEL:-tcg}" -cpu max -m 512 -smp 1 \
    -display none -monitor none -no-reboot -serial "file:$SMOKE/console.log" \
    -kernel "$BASE/vmlinuz" -initrd "$BASE/initrd.img" \
    -append "root=LABEL=cgroot console=ttyS0,115200 rw ${CG_SMOKE_APPEND:-}" \
    -drive "file=$SMOKE/disk.img,format=raw,if=virtio" \
    -nic none >"$SMOKE/qemu.log" 2>&1 &
  QEMU_PID=$!
}

# Poll the console log, print each milestone's first time; succeed at the login prompt.
watch_console() {
  local t0=$EPOCHREALTIME seen=() i label text now
  while :; do
    now=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
    for i in "${!MILESTONES[@]}"; do
      [ -z "${seen[$i]:-}" ] || continue
      label=${MILESTONES[$i]%%|*}; text=${MILESTONES[$i]#*|}
      if grep -qF "$text" "$SMOKE/console.log"; then
        seen[i]=$now
        echo "smoke-boot: +${now} s  $label"
      fi
    done
    [ -n "${seen[5]:-}" ] && return 0
    if [ -n "${seen[$LOGIN]:-}" ] && awk -v n="$now" -v l="${seen[$LOGIN]}" -v w="$SHELL_WAIT" 'BEGIN{exit !(n >= l + w)}'; then
      echo "smoke-boot: warning: login prompt but no autologin shell prompt after ${SHELL_WAIT} s" >&2
      return 0
    fi
    kill -0 "$QEMU_PID" 2>/dev/null || { cat "$SMOKE/qemu.log" >&2; die "QEMU exited early (console: $SMOKE/console.log)"; }
    awk -v n="$now" -v t="$TIMEOUT" 'BEGIN{exit !(n >= t)}' && die "no login prompt after ${TIMEOUT} s (console: $SMOKE/console.log)"
    sleep 0.5
  done
}

main() {
  [ "$(id -u)" -eq 0 ] || die "run as root (make-disk.sh reads root-only files)"
  command -v qemu-system-x86_64 >/dev/null || bash "$REPO/test/install-host-deps.sh" qemu-system-x86
  make_disk
  trap cleanup EXIT
  start_qemu
  watch_console
  echo "smoke-boot: OK (console: $SMOKE/console.log)"
}

main "$@"
