#!/usr/bin/env bash
# The layering check (test/layers.sh): the tree passes it, and a copy of
# the tree with one planted back-include of each kind fails it, naming the
# file.
set -u
. "$(dirname "$0")/report.sh"

src=${SSPSH_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check "the tree has no back-include" "$src/test/layers.sh" "$src"

# plant FILE INCLUDE: a copy of the tree where FILE also includes INCLUDE.
plant() {
	rm -rf "$tmp/tree"
	mkdir "$tmp/tree"
	cp -r "$src/core" "$src/term" "$src/net" "$src/applets" "$tmp/tree/"
	printf '#include "%s"\n' "$2" >> "$tmp/tree/$1"
}

for planted in "core/buf.c net/udp.h" "core/log.h term/fb.h" "term/emu.c net/ssp.h" \
	       "net/ssp.c term/fb.h" "net/pump.c applets/session/ssp_frame.h" \
	       "applets/session/screen.c applets/applets.h"; do
	set -- $planted
	plant "$1" "$2"
	out=$("$src/test/layers.sh" "$tmp/tree" 2>&1); rc=$?
	check "a planted include of $2 in $1 fails the check" \
		sh -c "[ $rc -ne 0 ] && printf '%s' \"\$1\" | grep -qF '$1'" _ "$out"
done
finish
