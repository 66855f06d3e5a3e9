#!/usr/bin/env bash
# What a session costs on the wire and in wake-ups, sspsh beside mosh (when
# installed), each program measured in an 80x24 tmux terminal on loopback:
#   - UDP payload bytes down for vim's first screen (`vim -u NONE` on a
#     5,000-line file of C source) and per page down (Ctrl-F, PAGES times);
#   - datagrams and bytes each way per typed key (a shell echoing it);
#   - wake-ups a minute of the idle server and client (context switches in
#     /proc/PID/schedstat) and datagrams a minute, each way;
#   - the same for the server once the client has gone (SIGSTOPped),
#     measured from GONE_WAIT seconds after it stopped. Each client runs
#     below a shell, not as the pane's own process: tmux sends SIGCONT to a
#     pane process that stops, so that one could never stay stopped.
# Datagrams are counted by an nftables table of our own on the session's
# UDP port (removed at exit); payload = IP length - 28.
# usage: test/bench/wire.sh SSPSH   (env: IDLE_SECONDS=30 GONE_WAIT=60 PAGES=50)
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/wire.sh SSPSH}")
. "$here/test/e2e/lib.sh"

IDLE_SECONDS=${IDLE_SECONDS:-30}
GONE_WAIT=${GONE_WAIT:-60}
PAGES=${PAGES:-50}
KEYS=20
NFT_TABLE=sspsh_bench_$$
PROMPT='bench-ready$ '
BENCH_SHELL=(env "PS1=$PROMPT" HISTFILE=/dev/null bash --norc --noprofile)
export LANG=C.UTF-8 LC_ALL=C.UTF-8

for tool in tmux nft vim; do
	need "$tool" || { echo "bench wire: $tool is not installed"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench wire: needs root (nftables counters)"; exit 1; }

counters_start() {	# counters_start PORT: count what goes to and from PORT
	nft -f - <<-EOF || return 1
	table inet $NFT_TABLE {
		counter down {}
		counter up {}
		chain out {
			type filter hook output priority 0;
			udp sport $1 counter name down
			udp dport $1 counter name up
		}
	}
	EOF
}
counters_stop() { nft delete table inet "$NFT_TABLE" 2>/dev/null; }
trap 'counters_stop; e2e_cleanup' EXIT

# counter NAME: "PACKETS PAYLOAD_BYTES" so far.
counter() {
	nft list counter inet "$NFT_TABLE" "$1" |
		awk '/packets/ { for (i = 1; i < NF; i++) { if ($i == "packets") p = $(i + 1); if ($i == "bytes") b = $(i + 1) } }
		     END { print p, b - 28 * p }'
}
wakeups() { awk '{ print $3 }' "/proc/$1/schedstat"; }

prompt_back() { screen | grep -q "^bench-ready\\$ *$"; }
wait_prompt() { wait_until 15 prompt_back; }

# settle: until the screen has not changed for 300 ms (at most 10 s).
settle() {
	local last now i same=0
	last=$(screen)
	for ((i = 0; i < 400 && same < 12; i++)); do
		sleep 0.025
		now=$(screen)
		if [ "$now" = "$last" ]; then same=$((same + 1)); else same=0; last=$now; fi
	done
}

# changed_from TEXT: until the screen differs from TEXT (at most 5 s).
changed_from() {
	local i
	for ((i = 0; i < 1000; i++)); do
		[ "$(screen)" != "$1" ] && return 0
		sleep 0.005
	done
	return 1
}

# delta NAME BEFORE: "PACKETS BYTES" since BEFORE.
delta() {
	local now
	now=$(counter "$1")
	awk -v a="$2" -v b="$now" 'BEGIN { split(a, x, " "); split(b, y, " "); print y[1] - x[1], y[2] - x[2] }'
}

bytes_of() { echo "${1#* }"; }
packets_of() { echo "${1%% *}"; }

measure_vim() {
	local name=$1 before d i screen_now
	type_text "vim -u NONE -n $E2E_TMP/text.c"
	settle
	before=$(counter down)
	press Enter
	wait_for "5000 lines" 10 || { echo "$name: vim did not start"; return 1; }
	settle
	d=$(delta down "$before")
	printf '%-6s vim first screen: %6d B down in %d datagrams\n' "$name" "$(bytes_of "$d")" "$(packets_of "$d")"
	before=$(counter down)
	for ((i = 0; i < PAGES; i++)); do
		screen_now=$(screen)
		press C-f
		changed_from "$screen_now" || { echo "$name: Ctrl-F did not page"; return 1; }
		sleep 0.05
	done
	settle
	d=$(delta down "$before")
	printf '%-6s vim page down:    %6d B down per page (%d pages, %d datagrams)\n' "$name" \
		$(($(bytes_of "$d") / PAGES)) "$PAGES" "$(packets_of "$d")"
	press Escape; type_text ':q!'; press Enter
	wait_prompt
}

measure_keys() {
	local name=$1 up down i
	type_text 'clear'; press Enter; wait_prompt; settle
	up=$(counter up); down=$(counter down)
	for ((i = 0; i < KEYS; i++)); do
		type_text x
		sleep 0.2
	done
	settle
	up=$(delta up "$up"); down=$(delta down "$down")
	printf '%-6s per typed key: %.1f datagrams up, %.1f down, %d B both ways\n' "$name" \
		"$(echo "$(packets_of "$up") / $KEYS" | bc -l)" "$(echo "$(packets_of "$down") / $KEYS" | bc -l)" \
		$(( ($(bytes_of "$up") + $(bytes_of "$down")) / KEYS ))
	press C-u
}

# per_minute COUNT SECONDS
per_minute() { echo "$1 * 60 / $2" | bc -l; }

measure_idle() {
	local name=$1 server=$2 client=$3 ws wc up down
	settle; sleep 2
	ws=$(wakeups "$server"); wc=$(wakeups "$client"); up=$(counter up); down=$(counter down)
	sleep "$IDLE_SECONDS"
	ws=$(($(wakeups "$server") - ws)); wc=$(($(wakeups "$client") - wc))
	up=$(delta up "$up"); down=$(delta down "$down")
	printf '%-6s idle, a minute: server wakes %.1f times, client %.1f; datagrams %.1f down, %.1f up\n' "$name" \
		"$(per_minute "$ws" "$IDLE_SECONDS")" "$(per_minute "$wc" "$IDLE_SECONDS")" \
		"$(per_minute "$(packets_of "$down")" "$IDLE_SECONDS")" "$(per_minute "$(packets_of "$up")" "$IDLE_SECONDS")"
}

measure_gone() {
	local name=$1 server=$2 client=$3 ws down
	kill -STOP "$client"
	sleep "$GONE_WAIT"
	ws=$(wakeups "$server"); down=$(counter down)
	sleep "$IDLE_SECONDS"
	ws=$(($(wakeups "$server") - ws)); down=$(delta down "$down")
	kill -CONT "$client"
	printf '%-6s client gone (from %d s after): server wakes %.1f times a minute, sends %.1f datagrams a minute\n' \
		"$name" "$GONE_WAIT" "$(per_minute "$ws" "$IDLE_SECONDS")" \
		"$(per_minute "$(packets_of "$down")" "$IDLE_SECONDS")"
}

measure_all() {
	local name=$1 server=$2 client=$3 port=$4
	counters_start "$port" || { echo "$name: nft failed"; return 1; }
	wait_prompt || { echo "$name: no prompt"; counters_stop; return 1; }
	measure_vim "$name" && measure_keys "$name" && measure_idle "$name" "$server" "$client" &&
		measure_gone "$name" "$server" "$client"
	counters_stop
}

udp_port_of() { ss -H -uanp | grep "pid=$1," | awk '{ print $4 }' | sed 's/.*://' | head -1; }

bench_sspsh() {
	local server client
	start_tmux 80 24 "$SSPSH connect --local -- ${BENCH_SHELL[*]@Q}; true"
	wait_until 10 sh -c '[ -n "$(sspsh_pids 2>/dev/null | sed -n 2p)" ]'
	server=$(server_pid); client=$(client_pid)
	measure_all sspsh "$server" "$client" "$(udp_port_of "$server")"
	tmx kill-server; sleep 0.5
}

bench_mosh() {
	local line port key server client
	line=$(mosh-server new -i 127.0.0.1 -p 60990:60999 -- "${BENCH_SHELL[@]}" 2>/dev/null | grep '^MOSH CONNECT')
	read -r _ _ port key <<< "$line"
	server=$(ss -H -uanp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
	[ -n "$server" ] && e2e_pids+=("$server")
	printf 'export MOSH_KEY=%q\nmosh-client 127.0.0.1 %q\n' "$key" "$port" > "$E2E_TMP/mosh.sh"
	start_tmux 80 24 "bash $E2E_TMP/mosh.sh"
	wait_until 10 sh -c "pgrep -P \$(tmux -L $TMUX_SOCKET display -p -t t '#{pane_pid}') mosh-client >/dev/null"
	client=$(pgrep -P "$(pane_pid)" mosh-client)
	measure_all mosh "$server" "$client" "$port"
	tmx kill-server
	kill "$server" 2>/dev/null
}

cat "$here"/core/*.c "$here"/term/*.c "$here"/net/*.c "$here"/applets/*.c | head -5000 > "$E2E_TMP/text.c"
echo "wire: loopback, 80x24; vim on $(wc -l < "$E2E_TMP/text.c") lines of C; idle windows of $IDLE_SECONDS s"
bench_sspsh
if need mosh-server && need mosh-client; then
	bench_mosh
else
	echo "mosh is not installed: sspsh figures only"
fi
