# The recordings against tmux, for test/e2e/rec_vs_tmux.sh (a few cuts) and
# test/soak/rec_vs_tmux.sh (every 16 bytes); sourced after report.sh.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

src=${SSPSH_SRC:-.}

# recordings_against_tmux WHERE ARGS...: each recording in test/term/corpus
# through test/soak/rec_vs_tmux.py with ARGS (its cuts), one check each,
# named "NAME against tmux WHERE"; skips (and finishes) without tmux or
# python3.
recordings_against_tmux() {
	local where=$1 vt name out rc counts
	shift
	if ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
		skip "recordings against tmux" "needs tmux and python3"
		finish
	fi
	for vt in "$src"/test/term/corpus/*.vt; do
		name=$(basename "$vt")
		out=$(python3 "$src/test/soak/rec_vs_tmux.py" --sspsh "${SSPSH:?}" "$@" "$vt" 2>&1)
		rc=$?
		printf '%s\n' "$out" | sed 's/^/    /'
		counts=$(printf '%s\n' "$out" | sed -n 's/^total: \(.*\)$/\1/p')
		check "$name against tmux $where ($counts)" test "$rc" -eq 0
	done
}
