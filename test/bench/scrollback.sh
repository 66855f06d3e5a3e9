#!/usr/bin/env bash
# Scrollback benchmark (part of make bench-e2e), in an 80x24 tmux terminal
# whose history holds every line:
#   - lines per second into the local history for `seq 1 N` (default
#     1,000,000), over loopback and over a 200 ms RTT link;
#   - Ctrl-C in `seq 1 100000000` while the backlog streams, against the
#     same with --scrollback 0 (no stream at all), over loopback and the
#     200 ms RTT link; Ctrl-C in `yes` (one-character lines) likewise on
#     loopback;
#   - a typed key's echo right after a flood, while its lines still go
#     into the history, against the same once they are in;
#   - bytes on the wire per scrolled line, against --scrollback 0 and the
#     line's own bytes (text and escape sequences);
#   - the server's memory with the default log full of 80-column coloured
#     lines;
#   - mosh (when installed): how many of `seq 1 100000` reach the history.
# usage: test/bench/scrollback.sh path/to/sspsh [LINES]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/scrollback.sh SSPSH [LINES]}")
lines=${2:-1000000}
. "$here/test/e2e/lib.sh"
. "$here/test/bench/bench_lib.sh"

if ! need tmux; then echo "bench-e2e: tmux is not installed"; exit 1; fi
printf 'set -g history-limit %d\n' $((lines + 1000)) > "$E2E_TMP/tmux.conf"
tmx() { tmux -L "$TMUX_SOCKET" -f "$E2E_TMP/tmux.conf" "$@"; }

history_size() { tmx display -p -t t '#{history_size}'; }
history_at_least() { test "$(history_size)" -ge "$1"; }
counter_lines() { grep -ac 'counters:' "$E2E_TMP/server.log"; }
counter_lines_over() { test "$(counter_lines)" -gt "$1"; }

# session SCROLLBACK [CONNECT OPTIONS]: a server started here (its log in
# server.log; SIGUSR1 makes it log its counters) and a client in tmux.
session() {
	local scrollback=$1; shift
	tmx kill-server 2>/dev/null
	sleep 0.3
	cat > "$E2E_TMP/session.sh" <<-EOF
	"$SSPSH" server -i 127.0.0.1 --foreground --scrollback $scrollback -- ${BENCH_SHELL[*]@Q} \
		> "$E2E_TMP/connect.line" 2> "$E2E_TMP/server.log" &
	echo \$! > "$E2E_TMP/server.pid"
	for i in \$(seq 1 100); do [ -s "$E2E_TMP/connect.line" ] && break; sleep 0.05; done
	set -- \$(cat "$E2E_TMP/connect.line")
	SSPSH_KEY=\$4 "$SSPSH" connect --direct 127.0.0.1 \$3 $*
	sleep 600
	EOF
	start_tmux 80 24 "bash $E2E_TMP/session.sh"
	wait_prompt
	e2e_pids+=("$(server_of_session)")
}

server_of_session() { cat "$E2E_TMP/server.pid"; }
sent_bytes() {
	local pid=$1 before
	before=$(counter_lines)
	kill -USR1 "$pid"
	wait_until 5 counter_lines_over "$before"
	grep -a 'counters:' "$E2E_TMP/server.log" | tail -1 | grep -ao 'bytes sent [0-9]*' | tail -1 | awk '{ print $3 }'
}

# lines_per_second NAME: seq 1 $lines, timed until the history holds it.
lines_per_second() {
	local t0 t1
	type_text "clear; seq 1 $lines"; press Enter
	t0=$(now_ms)
	wait_until 600 history_at_least $((lines - 23)) || { echo "$1: the history never filled"; return; }
	t1=$(now_ms)
	printf 'sspsh   seq 1 %d into the local history (%s): %d ms, %d lines/s\n' "$lines" "$1" \
		$((t1 - t0)) $((lines * 1000 / (t1 - t0 + 1)))
}

# key_echo_ms: a typed x until it shows after the prompt (then erased).
key_echo_ms() {
	local t0 i
	t0=$(now_ms)
	type_text x
	for ((i = 0; i < 2000; i++)); do
		screen | grep -q '^bench-ready\$ x' && break
		sleep 0.005
	done
	echo $(($(now_ms) - t0))
	press BSpace
	sleep 0.2
}

# echo_while_streaming NAME: the key's echo right after `seq 1 300000` has
# ended, while its lines still go into the history, and once they are in
# (best and mean of 3 each).
echo_while_streaming() {
	local busy=() idle=() i
	for i in 1 2 3; do
		type_text "clear; seq 1 300000"; press Enter
		sleep 0.2
		wait_prompt 60 || { echo "$1: the prompt never came back"; return; }
		busy+=("$(key_echo_ms)")
		wait_until 120 history_at_least 299977
		sleep 0.5
		idle+=("$(key_echo_ms)")
	done
	printf 'sspsh   key echo (%s): %s ms while the backlog streams, %s ms once it is in (best, mean of 3)\n' "$1" \
		"$(printf '%s\n' "${busy[@]}" | sort -n | head -1), $(( (busy[0] + busy[1] + busy[2]) / 3 ))" \
		"$(printf '%s\n' "${idle[@]}" | sort -n | head -1), $(( (idle[0] + idle[1] + idle[2]) / 3 ))"
}

# wire_bytes SCROLLBACK: bytes the server sent for seq 1 200000 (in $bytes).
wire_bytes() {
	local server b0 b1
	session "$1"
	server=$(server_of_session)
	b0=$(sent_bytes "$server")
	type_text "seq 1 200000; echo END-OF-''SEQ"; press Enter
	wait_for 'END-OF-SEQ' 120
	[ "$1" = 0 ] || wait_until 120 history_at_least 199977
	sleep 1
	b1=$(sent_bytes "$server")
	bytes=$((b1 - b0))
}

session 10000
lines_per_second loopback
bench_ctrl_c sspsh "loopback, backlog streaming" "seq 1 100000000"
bench_ctrl_c sspsh "loopback, backlog streaming" yes
echo_while_streaming loopback
session 10000 --link delay=100
lines_per_second "200 ms RTT link"
bench_ctrl_c sspsh "200 ms RTT link, backlog streaming" "seq 1 100000000"
session 0
bench_ctrl_c sspsh "loopback, --scrollback 0" "seq 1 100000000"
bench_ctrl_c sspsh "loopback, --scrollback 0" yes
session 0 --link delay=100
bench_ctrl_c sspsh "200 ms RTT link, --scrollback 0" "seq 1 100000000"

wire_bytes 10000
with=$bytes
wire_bytes 0
without=$bytes
text=$(seq 1 200000 | wc -c)
printf 'sspsh   wire bytes for seq 1 200000: %d with scrollback, %d without: %.2f B per line for %.2f B of text (%.2fx)\n' \
	"$with" "$without" "$(echo "($with - $without) / 200000" | bc -l)" "$(echo "($text + 200000) / 200000" | bc -l)" \
	"$(echo "($with - $without) / ($text + 200000)" | bc -l)"

# rss_after_colours SCROLLBACK: the server's RSS (in $rss) once 12,000
# coloured 80-column lines went through it.
rss_after_colours() {
	session "$1"
	cat > "$E2E_TMP/colours.sh" <<-'EOF'
	for i in $(seq 1 12000); do
		printf "\033[3%dm%07d the quick brown fox \033[1;44mjumps over\033[0m the lazy dog, coloured %05d\n" $((i % 8)) $i $i
	done
	EOF
	type_text "bash $E2E_TMP/colours.sh; echo END-OF-''COL"
	press Enter
	wait_for_regex '^END-OF-COL' 120
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$(server_of_session)/status")
}
rss_after_colours 10000
rss_full=$rss
rss_after_colours 0
rss_none=$rss
printf 'sspsh   server RSS after 12,000 coloured 80-column lines: %d kB with the default log (10,000 lines), %d kB with --scrollback 0\n' \
	"$rss_full" "$rss_none"
tmx kill-server

if need mosh-server && need mosh-client; then
	line=$(mosh-server new -i 127.0.0.1 -p 60990:60999 -- "${BENCH_SHELL[@]}" 2>/dev/null | grep '^MOSH CONNECT')
	read -r _ _ port key <<< "$line"
	mosh=$(ss -H -uanp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
	[ -n "$mosh" ] && e2e_pids+=("$mosh")
	printf 'export MOSH_KEY=%q\nexec mosh-client 127.0.0.1 %q\n' "$key" "$port" > "$E2E_TMP/mosh.sh"
	start_tmux 80 24 "bash $E2E_TMP/mosh.sh"
	wait_prompt
	type_text "seq 1 100000; echo END-OF-''SEQ"; press Enter
	wait_for 'END-OF-SEQ' 120
	sleep 1
	printf 'mosh    seq 1 100000: %d of the lines in the local history and screen\n' \
		"$(tmx capture-pane -p -t t -S - | grep -cxE '[0-9]+')"
	tmx kill-server
	[ -n "$mosh" ] && kill "$mosh" 2>/dev/null
fi
