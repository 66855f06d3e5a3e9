#!/usr/bin/env bash
# Every recording in test/term/corpus against tmux 3.3a at a few cuts
# (every 1024 bytes and 10 seeded random offsets): the screen, the
# renditions and the cursor must match at each, but for the exceptions
# test/soak/rec_vs_tmux.py documents. make soak cuts every 16 bytes.
set -u
. "$(dirname "$0")/report.sh"
. "$(dirname "$0")/rec_lib.sh"
recordings_against_tmux "at a few cuts" --every 1024 --random 10 --seed 1

# The comparison sees a difference of each kind: an sspsh whose dump has
# one letter, one colour or the cursor changed differs from tmux.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'plain \033[31mred\033[0m text\r\nmore' >"$tmp/small.vt"
for case in 's/red/rEd/:text 1' 's/;31m/;32m/:renditions 1' 's/^cursor 1,4$/cursor 1,3/:cursor 1'; do
	change=${case%%:*} kind=${case#*:}
	printf '#!/bin/sh\n"%s" "$@" | sed "%s"\n' "$SSPSH" "$change" >"$tmp/altered"
	chmod +x "$tmp/altered"
	python3 "$src/test/soak/rec_vs_tmux.py" --sspsh "$tmp/altered" --every 1000 \
		"$tmp/small.vt" >"$tmp/out" 2>&1
	rc=$?
	check "a dump altered by $change differs from tmux ($kind)" \
		sh -c "test $rc -eq 1 && grep -q '1 cuts, 1 differ.*$kind' '$tmp/out'"
done

# EL with the cursor waiting to wrap: a difference the tool excuses.
printf '%080d\033[K' 0 >"$tmp/el.vt"
python3 "$src/test/soak/rec_vs_tmux.py" --sspsh "$SSPSH" --every 1000 "$tmp/el.vt" >"$tmp/out" 2>&1
rc=$?
check "EL at the pending wrap is counted apart, not failed" \
	sh -c "test $rc -eq 0 && grep -q '1 cuts, 0 differ.*1 only by exceptions' '$tmp/out'"
finish
