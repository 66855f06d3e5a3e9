#!/usr/bin/env bash
# The CPU that forwarding costs per MB: `sspsh connect --local -L` (client
# and server on this machine), curl downloading MB megabytes through it
# from python3's HTTP server, RUNS times; for each run the MB/s and the
# CPU time (user + system, from /proc) the client and the server spent
# together per MB moved. On a busy machine the CPU per MB says more than
# the MB/s; `sspsh bench net` gives the part of it the cipher alone needs.
# usage: test/bench/forward_cpu.sh path/to/sspsh [MB] [RUNS]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/forward_cpu.sh SSPSH [MB] [RUNS]}")
megabytes=${2:-400}
runs=${3:-3}
. "$here/test/e2e/lib.sh"
. "$here/test/e2e/fwd_lib.sh"

for tool in tmux python3 curl ss; do
	need "$tool" || { echo "bench forward_cpu: skipped: $tool is not installed"; exit 0; }
done
trap e2e_cleanup EXIT
http_start "$megabytes"
port=$(free_port)
start_tmux 80 24 "$SSPSH connect --local -L $port:127.0.0.1:$HTTP_PORT -- /bin/sh"
wait_until 20 listening "$port" || { echo "bench forward_cpu: -L does not listen"; exit 1; }
# The two ends: the processes in the pane running this sspsh.
pane=$(tmx list-panes -F '#{pane_pid}')
ends=()
for p in "$pane" $(descendants "$pane"); do
	[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$SSPSH" ] && ends+=("/proc/$p/stat")
done
[ "${#ends[@]}" -eq 2 ] || { echo "bench forward_cpu: not one client and one server"; exit 1; }

# cpu_ticks: clock ticks of CPU the client and the server have used.
cpu_ticks() { awk '{ t += $14 + $15 } END { print t }' "${ends[@]}"; }

echo "forward_cpu: connect --local -L, $megabytes MB through curl, $runs runs"
for ((i = 1; i <= runs; i++)); do
	before=$(cpu_ticks)
	speed=$(curl -sf --max-time 600 -o /dev/null -w '%{speed_download}' \
		"http://127.0.0.1:$port/blob-$megabytes") || speed=0
	after=$(cpu_ticks)
	awk -v s="$speed" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v mb="$megabytes" \
		'BEGIN { printf "  %4.0f MB/s, %5.2f ms of CPU per MB (client and server)\n", s / 1e6, t * 1000 / hz / (mb * 1.048576) }'
done
