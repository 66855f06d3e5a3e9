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

# The size is in the name (top-120x40.vt), else 80x24.
for vt in "$src"/test/term/corpus/*.vt; do
	name=$(basename "$vt" .vt)
	size=$(printf '%s' "$name" | sed -n 's/.*-\([0-9]*\)x\([0-9]*\)$/--cols \1 --rows \2/p')
	"$bin" bench emu $size --dump "$vt" >"$tmp/$name.dump"
	check "bench emu --dump $name.vt matches tmux" cmp -s "$tmp/$name.dump" "${vt%.vt}.screen"
done

printf 'one\r\n' >"$tmp/a"
printf '\033[2;3Htwo' >"$tmp/b"
out=$("$bin" bench emu --cols 10 --rows 3 --dump "$tmp/a" "$tmp/b")
check "bench emu --dump feeds files in order" test "$out" = "$(printf 'one\n  two\n\ncursor 1,5')"

printf 'a\033[1;31mb\033[4:3;48;5;17mc\033[m\033[44m \033[0m  \033[38;2;1;2;3;7md\r\n' >"$tmp/sgr"
out=$("$bin" bench emu --cols 12 --rows 2 --dump=sgr "$tmp/sgr")
want=$(printf 'a\033[0;1;31mb\033[0;1;4:3;31;48;5;17mc\033[0;44m \033[0m  \033[0;7;38;2;1;2;3md\033[0m\n\ncursor 1,0')
check "bench emu --dump=sgr writes each change of rendition whole" test "$out" = "$want"
printf 'abc' >"$tmp/c"
out=$("$bin" bench emu --cols 3 --rows 1 --dump=wrap "$tmp/c")
check "bench emu --dump=wrap says when a wrap is pending" test "$out" = "$(printf 'abc\ncursor 0,2\nwrap pending')"
out=$("$bin" bench emu --cols 3 --rows 1 --dump "$tmp/c")
check "bench emu --dump ends with the cursor" test "$out" = "$(printf 'abc\ncursor 0,2')"
printf 'abc\033[?7ld' >"$tmp/d"
out=$("$bin" bench emu --cols 3 --rows 1 --dump=wrap "$tmp/d")
check "bench emu --dump=wrap: no wrap pends without autowrap" test "$out" = "$(printf 'abd\ncursor 0,2')"

out=$("$bin" bench emu "$src/test/term/corpus/utf8.vt")
check "bench emu prints MB/s and memory" sh -c "printf '%s' '$out' | grep -qE '[0-9.]+ MB/s .*memory 80x24: screen [0-9]+ \+ emulator [0-9]+ = [0-9]+ bytes'"

"$bin" bench emu --dump "$tmp/missing" 2>"$tmp/err"; rc=$?
check "bench emu: a missing file is a clear error" sh -c "test $rc -ne 0 && grep -q 'missing' '$tmp/err'"
"$bin" bench emu --cols 0 --dump "$tmp/a" 2>/dev/null; rc=$?
check "bench emu: a bad size is a usage error" test $rc -eq 2
finish
