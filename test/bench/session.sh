#!/usr/bin/env bash
# Session benchmark, side by side with mosh when it is installed:
#   - time and server CPU to show the end of a 20 MB coloured UTF-8 `cat`
#     through a loopback session in an 80x24 tmux terminal;
#   - peak RSS (VmHWM) of the server and the client;
#   - Ctrl-C during `yes`: time until the prompt is back, on loopback and
#     (sspsh only: the kernel here has no netem) over a 200 ms RTT link.
# usage: test/bench/session.sh path/to/sspsh [MB]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/session.sh SSPSH [MB]}")
megabytes=${2:-20}
. "$here/test/e2e/lib.sh"

if ! need tmux; then echo "bench-e2e: tmux is not installed"; exit 1; fi
export LANG=C.UTF-8 LC_ALL=C.UTF-8
PROMPT='bench-ready$ '
BENCH_SHELL=(env "PS1=$PROMPT" HISTFILE=/dev/null bash --norc --noprofile)
hz=$(getconf CLK_TCK)

make_data() {
	local lines=$((megabytes * 1000000 / 90))	# 90-byte lines
	awk -v n="$lines" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "\033[3%dm%07d h\303\251llo w\303\266rld \346\227\245\346\234\254\350\252\236 \033[1;4%dmcoloured\033[0m \342\226\210\342\226\221 the quick brown fox %05d\n", i % 8, i, (i + 3) % 8, i % 99991
	}' > "$E2E_TMP/data"
}

now_ms() { date +%s%3N; }
cpu_ms() { awk -v hz="$hz" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }
peak_rss_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

# The newest prompt line alone: the program has finished.
prompt_back() { screen | grep -q "^bench-ready\\$ *$"; }

wait_prompt() {
	local i
	for ((i = 0; i < 3000; i++)); do
		prompt_back && return 0
		sleep 0.005
	done
	return 1
}

# measure NAME SERVER_PID CLIENT_PID: the cat and the Ctrl-C figures.
measure() {
	local name=$1 server=$2 client=$3 t0 t1 c0 c1 ms
	wait_prompt || { echo "$name: no prompt"; return 1; }
	type_text 'clear'; press Enter; wait_prompt
	c0=$(cpu_ms "$server")
	t0=$(now_ms)
	# The quotes keep the typed (and locally echoed) command from matching.
	type_text "cat $E2E_TMP/data; echo END-OF-''CAT"; press Enter
	wait_for 'END-OF-CAT' 300 || { echo "$name: the end of the cat never showed"; return 1; }
	t1=$(now_ms)
	c1=$(cpu_ms "$server")
	printf '%-7s cat %d MB: end shown after %5d ms; server CPU %5d ms (%.1f ms/MB)\n' \
		"$name" "$megabytes" $((t1 - t0)) $((c1 - c0)) "$(echo "($c1 - $c0) / $megabytes" | bc -l)"
	ctrl_c "$name" "loopback"
	printf '%-7s peak RSS: server %5d kB, client %5d kB\n' "$name" \
		"$(peak_rss_kb "$server")" "$(peak_rss_kb "$client")"
}

# ctrl_c NAME LINK: `yes` for a second, then Ctrl-C; time to the prompt.
ctrl_c() {
	local best=999999 total=0 i t0 t1 ms
	for i in 1 2 3; do
		type_text 'clear'; press Enter; wait_prompt
		type_text 'yes'; press Enter
		sleep 1
		t0=$(now_ms)
		press C-c
		wait_prompt || { echo "$1: Ctrl-C did not bring the prompt back"; return 1; }
		t1=$(now_ms)
		ms=$((t1 - t0)); total=$((total + ms))
		[ "$ms" -lt "$best" ] && best=$ms
	done
	printf '%-7s Ctrl-C in `yes` (%s): prompt back after %d ms (best of 3), %d ms mean\n' \
		"$1" "$2" "$best" $((total / 3))
}

bench_sspsh() {
	start_tmux 80 24 "$SSPSH connect --local -- ${BENCH_SHELL[*]@Q}"
	wait_until 10 sh -c '[ -n "$(sspsh_pids 2>/dev/null)" ]'
	sleep 1
	measure sspsh "$(server_pid)" "$(client_pid)"
	tmx kill-server; sleep 0.5

	start_tmux 80 24 "$SSPSH connect --local --link delay=100 -- ${BENCH_SHELL[*]@Q}"
	wait_prompt
	ctrl_c sspsh "200 ms RTT link"
	tmx kill-server; sleep 0.5
}

bench_mosh() {
	local line port key server client
	line=$(mosh-server new -i 127.0.0.1 -p 60990:60999 -- "${BENCH_SHELL[@]}" 2>/dev/null | grep '^MOSH CONNECT')
	read -r _ _ port key _ <<< "$line"
	server=$(ss -H -uanp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
	[ -n "$server" ] && e2e_pids+=("$server")
	printf 'export MOSH_KEY=%q\nexec mosh-client 127.0.0.1 %q\n' "$key" "$port" > "$E2E_TMP/mosh.sh"
	start_tmux 80 24 "bash $E2E_TMP/mosh.sh"
	sleep 1
	client=$(pane_pid)
	measure mosh "$server" "$client"
	echo "mosh    (no 200 ms RTT figure: the kernel has no netem; mosh 1.4 took ~380 ms, FACTS.md)"
	tmx kill-server
	kill "$server" 2>/dev/null
}

make_data
echo "data: $(stat -c %s "$E2E_TMP/data") bytes of coloured UTF-8 in $(wc -l < "$E2E_TMP/data") lines, 80x24 terminal"
bench_sspsh
if need mosh-server && need mosh-client; then
	bench_mosh
else
	echo "mosh is not installed: sspsh figures only"
fi
