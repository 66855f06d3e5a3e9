#!/usr/bin/env bash
# Interactivity while a forwarded connection runs flat out (issue 16): the
# keystroke echo and Ctrl-C of a session, idle and while curl downloads
# 20 MB after 20 MB through its -L port from python3's HTTP server, all on
# loopback. Echo as test/bench/echo.sh measures it (echo_latency.py, cat on
# the far side, prediction off, the median of KEYS keys); Ctrl-C as
# test/bench/session.sh does (`yes` for a second, then Ctrl-C: time until
# the prompt is back, best and mean of 3). Prints how many MB/s went
# through -L meanwhile, so a figure under load is seen to be one (while
# `yes` floods the screen, the screen and its lines streaming into the
# terminal's history go first and -L slows down), and, as a control, the echo while the same downloads run beside the session (curl
# straight from the HTTP server): what the busy machine alone costs.
# usage: test/bench/forward_load.sh SSPSH [KEYS]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/forward_load.sh SSPSH [KEYS]}")
keys=${2:-100}
. "$here/test/e2e/lib.sh"
. "$here/test/e2e/fwd_lib.sh"

for tool in tmux python3 curl ss bc; do
	need "$tool" || { echo "bench forward_load: skipped: $tool is not installed"; exit 0; }
done
http_start 20
PROMPT='bench-ready$ '
BENCH_SHELL=(env "PS1=$PROMPT" HISTFILE=/dev/null bash --norc --noprofile)
now_ms() { date +%s%3N; }

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
	beside) echo ", while curl moved $(load_stop) beside it" ;;
	*) echo ;;
	esac
}

prompt_back() { screen | grep -q "^bench-ready\\$ *$"; }
wait_prompt() {
	local i
	for ((i = 0; i < 3000; i++)); do
		prompt_back && return 0
		sleep 0.005
	done
	return 1
}

# ctrl_c LOAD: Ctrl-C in `yes` in a connect --local -L session.
ctrl_c() {
	local port best=999999 total=0 i t0 ms
	port=$(free_port)
	start_tmux 80 24 "$SSPSH connect --local -L $port:127.0.0.1:$HTTP_PORT -- ${BENCH_SHELL[*]@Q}"
	wait_prompt || { echo "no prompt"; return; }
	[ "$1" = load ] && load_start "$port" && sleep 2
	for i in 1 2 3; do
		type_text 'clear'; press Enter; wait_prompt
		type_text 'yes'; press Enter
		sleep 1
		t0=$(now_ms)
		press C-c
		wait_prompt || { echo "Ctrl-C did not bring the prompt back"; return; }
		ms=$(($(now_ms) - t0)); total=$((total + ms))
		[ "$ms" -lt "$best" ] && best=$ms
	done
	printf '%d ms best of 3, %d ms mean' "$best" $((total / 3))
	[ "$1" = load ] && echo ", while -L moved $(load_stop)" || echo
	tmux_stop
}

echo "forward_load: a session's echo and Ctrl-C on loopback, idle and under an -L download"
printf '  echo    idle        %s\n' "$(echo_median idle)"
printf '  echo    beside load %s\n' "$(echo_median beside)"
printf '  echo    under load  %s\n' "$(echo_median load)"
printf '  Ctrl-C  idle        %s\n' "$(ctrl_c idle)"
printf '  Ctrl-C  under load  %s\n' "$(ctrl_c load)"
