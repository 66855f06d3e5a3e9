#!/usr/bin/env bash
# sspsh bench emu: --dump of each recording equals the screen tmux showed
# (test/term/corpus/NAME.screen, see test/term/corpus.test), a dump of
# several files feeds them in order, and a measurement prints MB/s and
# the memory of the screen.
set -u
. "$(dirname "$0")/report.sh"

bin=${SSPSH:?}
src=${SSPSH_SRC:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for vt in "$src"/test/term/corpus/*.vt; do
	name=$(basename "$vt" .vt)
	"$bin" bench emu --dump "$vt" >"$tmp/$name.dump"
	check "bench emu --dump $name.vt matches tmux" cmp -s "$tmp/$name.dump" "${vt%.vt}.screen"
done

printf 'one\r\n' >"$tmp/a"
printf '\033[2;3Htwo' >"$tmp/b"
out=$("$bin" bench emu --cols 10 --rows 3 --dump "$tmp/a" "$tmp/b")
check "bench emu --dump feeds files in order" test "$out" = "$(printf 'one\n  two\n\ncursor 1,5')"

out=$("$bin" bench emu "$src/test/term/corpus/utf8.vt")
check "bench emu prints MB/s and memory" sh -c "printf '%s' '$out' | grep -qE '[0-9.]+ MB/s .*memory 80x24: screen [0-9]+ \+ emulator [0-9]+ = [0-9]+ bytes'"

"$bin" bench emu --dump "$tmp/missing" 2>"$tmp/err"; rc=$?
check "bench emu: a missing file is a clear error" sh -c "test $rc -ne 0 && grep -q 'missing' '$tmp/err'"
"$bin" bench emu --cols 0 --dump "$tmp/a" 2>/dev/null; rc=$?
check "bench emu: a bad size is a usage error" test $rc -eq 2
finish
