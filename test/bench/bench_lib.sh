# What the session benchmarks share (test/bench/session.sh, relay.sh,
# scrollback.sh);
# sourced after test/e2e/lib.sh, whose tmux terminal they drive.
#   BENCH_SHELL          the remote shell: a fixed prompt, no rc files
#   bench_make_data FILE MB   MB megabytes of coloured UTF-8 lines
#   wait_prompt [SECONDS]     until the newest line is the prompt alone
#   bench_cat NAME FILE  cats FILE; the time to its end shown in BENCH_CAT_MS
#   bench_ctrl_c NAME LINK [COMMAND]   Ctrl-C in COMMAND (`yes`), 3 times:
#                        best and mean
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

BENCH_PROMPT='bench-ready$ '
BENCH_SHELL=(env "PS1=$BENCH_PROMPT" HISTFILE=/dev/null bash --norc --noprofile)

bench_make_data() {
	local lines=$(($2 * 1000000 / 90))	# 90-byte lines
	awk -v n="$lines" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "\033[3%dm%07d h\303\251llo w\303\266rld \346\227\245\346\234\254\350\252\236 \033[1;4%dmcoloured\033[0m \342\226\210\342\226\221 the quick brown fox %05d\n", i % 8, i, (i + 3) % 8, i % 99991
	}' > "$1"
	chmod 0644 "$1"
}

now_ms() { date +%s%3N; }

# The newest prompt line alone: the program has finished.
prompt_back() { screen | grep -q "^bench-ready\\$ *$"; }

# Polled every 5 ms (wait_until's 50 ms would be most of a Ctrl-C figure).
wait_prompt() {
	local i
	for ((i = 0; i < ${1:-15} * 200; i++)); do
		prompt_back && return 0
		sleep 0.005
	done
	return 1
}

bench_cat() {
	local name=$1 file=$2 t0
	type_text 'clear'; press Enter; wait_prompt
	t0=$(now_ms)
	# The quotes keep the typed (and locally echoed) command from matching.
	type_text "cat $file; echo END-OF-''CAT"; press Enter
	wait_for 'END-OF-CAT' 300 || { echo "$name: the end of the cat never showed"; return 1; }
	BENCH_CAT_MS=$(($(now_ms) - t0))
}

bench_ctrl_c() {
	local command=${3:-yes} best=999999 total=0 i t0 ms
	for i in 1 2 3; do
		type_text 'clear'; press Enter; wait_prompt
		type_text "$command"; press Enter
		sleep 1
		t0=$(now_ms)
		press C-c
		wait_prompt 30 || { echo "$1: Ctrl-C did not bring the prompt back"; return 1; }
		ms=$(($(now_ms) - t0)); total=$((total + ms))
		[ "$ms" -lt "$best" ] && best=$ms
	done
	printf '%-7s Ctrl-C in `%s` (%s): prompt back after %d ms (best of 3), %d ms mean\n' \
		"$1" "${command%% *}" "$2" "$best" $((total / 3))
}
