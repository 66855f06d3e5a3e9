#!/usr/bin/env bash
# Debian's libunibilium-dev is not Multi-Arch: installing the :arm64 one
# removes this machine's (and breaks the native build). So the target's
# static library is taken from its package without installing it, into
# /usr/local/lib/<triplet>/ with a .pc file that points there, where
# config.mk's cross PKG_CONFIG looks. Usage: tools/cross_unibilium.sh ARCH DEB_ARCH
set -euo pipefail
arch=${1:?usage: cross_unibilium.sh ARCH DEB_ARCH} deb_arch=${2:?usage: cross_unibilium.sh ARCH DEB_ARCH}
libdir=/usr/local/lib/$arch-linux-gnu
if [ -f "$libdir/libunibilium.a" ] && [ -f "$libdir/pkgconfig/unibilium.pc" ]; then
	exit 0
fi
sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
work=$(mktemp -d /tmp/sspsh-unibilium.XXXXXX)
trap 'rm -rf "$work"' EXIT
chown _apt "$work" 2>/dev/null || true	# apt-get download writes as _apt
(cd "$work" && apt-get download -q "libunibilium-dev:$deb_arch")
dpkg-deb -x "$work"/libunibilium-dev_*_"$deb_arch".deb "$work/x"
$sudo install -d "$libdir/pkgconfig"
$sudo install -m 0644 "$work/x/usr/lib/$arch-linux-gnu/libunibilium.a" "$libdir/"
sed "s|^libdir=.*|libdir=$libdir|" "$work/x/usr/lib/$arch-linux-gnu/pkgconfig/unibilium.pc" |
	$sudo tee "$libdir/pkgconfig/unibilium.pc" >/dev/null
echo "installed $libdir/libunibilium.a (from libunibilium-dev:$deb_arch)"
