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
. "$here/test/bench/bench_lib.sh"
hz=$(getconf CLK_TCK)

cpu_ms() { awk -v hz="$hz" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }
peak_rss_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

# measure NAME SERVER_PID CLIENT_PID: the cat and the Ctrl-C figures.
measure() {
	local name=$1 server=$2 client=$3 c0 c1
	wait_prompt || { echo "$name: no prompt"; return 1; }
	c0=$(cpu_ms "$server")
	bench_cat "$name" "$E2E_TMP/data" || return 1
	c1=$(cpu_ms "$server")
	printf '%-7s cat %d MB: end shown after %5d ms; server CPU %5d ms (%.1f ms/MB)\n' \
		"$name" "$megabytes" "$BENCH_CAT_MS" $((c1 - c0)) "$(echo "($c1 - $c0) / $megabytes" | bc -l)"
	bench_ctrl_c "$name" "loopback"
	printf '%-7s peak RSS: server %5d kB, client %5d kB\n' "$name" \
		"$(peak_rss_kb "$server")" "$(peak_rss_kb "$client")"
}

bench_sspsh() {
	start_tmux 80 24 "$SSPSH connect --local -- ${BENCH_SHELL[*]@Q}"
	wait_until 10 sh -c '[ -n "$(sspsh_pids 2>/dev/null)" ]'
	sleep 1
	measure sspsh "$(server_pid)" "$(client_pid)"
	tmx kill-server; sleep 0.5

	start_tmux 80 24 "$SSPSH connect --local --link delay=100 -- ${BENCH_SHELL[*]@Q}"
	wait_prompt
	bench_ctrl_c sspsh "200 ms RTT link"
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

bench_make_data "$E2E_TMP/data" "$megabytes"
echo "data: $(stat -c %s "$E2E_TMP/data") bytes of coloured UTF-8 in $(wc -l < "$E2E_TMP/data") lines, 80x24 terminal"
bench_sspsh
if need mosh-server && need mosh-client; then
	bench_mosh
else
	echo "mosh is not installed: sspsh figures only"
fi
