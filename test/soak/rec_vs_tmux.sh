#!/usr/bin/env bash
# Every recording in test/term/corpus against tmux 3.3a, cut every 16
# bytes and at 300 random offsets (test/soak/rec_vs_tmux.py): the screens,
# renditions and cursor must match at every cut, but for the documented
# exceptions. test/e2e/rec_vs_tmux.sh runs the same with fewer cuts.
set -u
. "$(dirname "$0")/../e2e/report.sh"

src=${SSPSH_SRC:-.}
if ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
	skip "recordings against tmux" "needs tmux and python3"
	finish
fi
for vt in "$src"/test/term/corpus/*.vt; do
	name=$(basename "$vt")
	out=$(python3 "$src/test/soak/rec_vs_tmux.py" --sspsh "${SSPSH:?}" --every 16 --random 300 \
		--seed 7 --first "$vt" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	counts=$(printf '%s\n' "$out" | sed -n 's/^total: \(.*\)$/\1/p')
	check "$name against tmux at every cut ($counts)" test "$rc" -eq 0
done
finish
