#!/usr/bin/env bash
# Install the Debian packages the tests need, only those missing (run as root on Debian 12).
set -euo pipefail
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(socat qemu-system-x86 iproute2 iputils-arping util-linux e2fsprogs dracut-core fdisk dosfstools mtools shellcheck pacemaker-cli-utils corosync grub-common grub-pc-bin grub-emu man-db systemd dpkg-dev lintian openipmi ipmitool nftables chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
# Packages such as corosync and pacemaker (for checking the Pacemaker export) start their services when installed:
# forbid service starts for the install (policy-rc.d, exit 101), unless the host already has its own policy.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 0755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
