#!/usr/bin/env bash
# Every recording in test/term/corpus against tmux 3.3a at a few cuts
# (every 1024 bytes and 10 seeded random offsets): the screen, the
# renditions and the cursor must match at each, but for the exceptions
# test/soak/rec_vs_tmux.py documents. make soak cuts every 16 bytes.
set -u
. "$(dirname "$0")/report.sh"

src=${SSPSH_SRC:-.}
if ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
	skip "recordings against tmux" "needs tmux and python3"
	finish
fi
for vt in "$src"/test/term/corpus/*.vt; do
	name=$(basename "$vt")
	out=$(python3 "$src/test/soak/rec_vs_tmux.py" --sspsh "${SSPSH:?}" --every 1024 --random 10 \
		--seed 1 "$vt" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	check "$name against tmux at a few cuts" test "$rc" -eq 0
done
finish
