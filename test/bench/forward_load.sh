#!/usr/bin/env bash
# Interactivity while a forwarded connection runs flat out (issue 16): the
# keystroke echo and Ctrl-C of a session, idle and while curl downloads
# 20 MB after 20 MB through its -L port from python3's HTTP server, all on
# loopback. Echo as test/bench/echo.sh measures it (echo_latency.py, cat on
# the far side, prediction off, the median of KEYS keys); Ctrl-C as
# test/bench/session.sh does (bench_lib.sh: `yes` for a second, then
# Ctrl-C: time until the prompt is back, best and mean of 3). Prints how
# many MB/s went through -L meanwhile, so a figure under load is seen to be
# one (while `yes` floods the screen, the screen and its lines streaming
# into the terminal's history go first and -L slows down), and, as a
# control, the echo while the same downloads run beside the session (curl
# straight from the HTTP server): what the busy machine alone costs.
# usage: test/bench/forward_load.sh SSPSH [KEYS]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/forward_load.sh SSPSH [KEYS]}")
keys=${2:-100}
. "$here/test/e2e/lib.sh"
. "$here/test/e2e/fwd_lib.sh"
. "$here/test/bench/bench_lib.sh"

for tool in tmux python3 curl ss; do
	need "$tool" || { echo "bench forward_load: skipped: $tool is not installed"; exit 0; }
done
http_start 20

# load_start PORT: downloads through PORT one after another, once it listens,
# until load_stop; load_stop prints the MB/s they moved.
load_start() {
	local port=$1
	load_bytes=$E2E_TMP/load-bytes.$port
	: > "$load_bytes"
	(
		wait_until 20 listening "$port"
		while [ ! -e "$load_bytes.stop" ]; do
			curl -s --max-time 60 -o /dev/null -w '%{size_download}\n' \
				"http://127.0.0.1:$port/blob-20" >> "$load_bytes"
		done
	) &
	load_pid=$!
	load_t0=$(now_ms)
}
load_stop() {
	local ms bytes
	touch "$load_bytes.stop"
	ms=$(($(now_ms) - load_t0))
	# The download under way when the clock stops is not counted: a floor.
	bytes=$(awk '{ s += $1 } END { printf "%d", s }' "$load_bytes")
	wait "$load_pid" 2>/dev/null
	echo "$((bytes / 1000 / ms)) MB/s or more"
}

# echo_median LOAD: the echo median through connect --local -L, with
# downloads through the -L port ("load"), beside the session ("beside") or
# none ("idle").
echo_median() {
	local port result
	port=$(free_port)
	case $1 in
	load) load_start "$port" ;;
	beside) load_start "$HTTP_PORT" ;;
	esac
	result=$(python3 "$here/test/bench/echo_latency.py" READY "$keys" "$SSPSH" connect --local \
		--predict=never -L "$port:127.0.0.1:$HTTP_PORT" -- sh -c 'echo READY; exec cat')
	echo "$result" | awk '$1 == "median" { printf "%s ms median, %s ms p90", $2, $4 }'
	case $1 in
	load) echo ", while -L moved $(load_stop)" ;;
	beside) echo ", while curl moved $(load_stop)" ;;
	*) echo ;;
	esac
}

# ctrl_c LOAD: Ctrl-C in `yes` in a connect --local -L session, with
# downloads through its -L port ("load") or none ("idle").
ctrl_c() {
	local port
	port=$(free_port)
	start_tmux 80 24 "$SSPSH connect --local -L $port:127.0.0.1:$HTTP_PORT -- ${BENCH_SHELL[*]@Q}"
	wait_prompt || { echo "sspsh: no prompt"; return; }
	if [ "$1" = load ]; then
		load_start "$port"
		sleep 2
		bench_ctrl_c sspsh "loopback, under an -L download"
		echo "        ... while -L moved $(load_stop)"
	else
		bench_ctrl_c sspsh "loopback, idle"
	fi
	tmux_stop
}

printf 'sspsh   echo (loopback, idle): %s\n' "$(echo_median idle)"
printf 'sspsh   echo (loopback, downloads beside the session): %s\n' "$(echo_median beside)"
printf 'sspsh   echo (loopback, under an -L download): %s\n' "$(echo_median load)"
ctrl_c idle
ctrl_c load
