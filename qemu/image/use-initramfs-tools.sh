#!/bin/sh
# Make a Debian 12 system that boots with dracut (the lab's base) use initramfs-tools instead, Debian's default and
# its own choice between the two: initramfs-tools and zstd (its default compressor) in, dracut purged. More packages
# to install may follow as arguments. Runs inside the system (a chroot or an overlay) and needs the Debian mirror.
# update_initramfs=no is left in /etc/initramfs-tools/update-initramfs.conf: it spares each package change a rebuild
# of the distribution's initrd; set it back to yes once the system is set up.
#
# Usage: sh use-initramfs-tools.sh [PACKAGE...]      (the lab's image layer; test/initrd/initramfs-tools.test.ts)
set -e
export DEBIAN_FRONTEND=noninteractive
mkdir -p /etc/initramfs-tools
echo update_initramfs=no > /etc/initramfs-tools/update-initramfs.conf
apt-get update -qq
apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold initramfs-tools zstd "$@" > /dev/null
apt-get purge -y -qq dracut dracut-core > /dev/null
