#!/usr/bin/env bash
# Build dist/clusterguard_VERSION_ARCH.deb with dpkg-deb: `make install` into a staging root (so the package holds
# exactly what a source install puts on the system), then what a Debian binary package adds: gzipped manual pages
# and changelog, the copyright, the lintian overrides, the conffiles and md5sums lists, the maintainer scripts and
# the control file (its libc dependency from dpkg-shlibdeps). Nothing is stripped: strip turns the executable back
# into a bare `bun`.
#
# Usage: bash packaging/deb/build.sh OUTDIR    (make deb; needs dpkg-dev)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

die() { echo "packaging/deb/build.sh: error: $*" >&2; exit 1; }

out=${1:-}
[ -n "$out" ] || die "usage: bash packaging/deb/build.sh OUTDIR"
version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$REPO/package.json")
logged=$(sed -n '1s/^clusterguard (\([^)]*\)).*/\1/p' "$HERE/changelog")
[ "$version" = "$logged" ] ||
  die "package.json says version $version, packaging/deb/changelog's first entry $logged: add an entry for $version"
arch=$(dpkg --print-architecture)

umask 022
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# debian/clusterguard, where dpkg-shlibdeps expects a package's files
root=$work/debian/clusterguard

make -s -C "$REPO" install DESTDIR="$root"
doc=$root/usr/share/doc/clusterguard
gzip -9n "$root"/usr/share/man/man*/*
gzip -9n -c "$HERE/changelog" > "$doc/changelog.gz"
install -m 0644 "$HERE/copyright" "$doc/copyright"
install -D -m 0644 "$HERE/lintian-overrides" "$root/usr/share/lintian/overrides/clusterguard"

mkdir "$root/DEBIAN"
install -m 0755 "$HERE/postinst" "$HERE/postrm" "$root/DEBIAN/"
# Every file under /etc (the kernel hooks) is a configuration file: dpkg keeps an admin's edits on upgrade.
(cd "$root" && find etc -type f | sed 's|^|/|' | sort) > "$root/DEBIAN/conffiles"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
# dpkg-shlibdeps reads debian/control; nothing in it is needed here
: > "$work/debian/control"
# (--warnings=0: that the runtime links libdl and libpthread without using them is Bun's business)
shlibs=$(cd "$work" && dpkg-shlibdeps -O --warnings=0 -e debian/clusterguard/usr/bin/clusterguard |
  sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || die "dpkg-shlibdeps found no library dependency of usr/bin/clusterguard"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SHLIBS@/$shlibs/" -e "s/@SIZE@/$size/" \
  "$HERE/control.in" > "$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/clusterguard_${version}_${arch}.deb"
