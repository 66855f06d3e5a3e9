#!/usr/bin/env bash
# Throughput of one forwarded connection on loopback: `sspsh connect -L`
# (its session started over a private sshd, test/e2e/sshd_lib.sh; needs
# root) beside `ssh -L` through the same sshd and beside no forwarding at
# all: curl downloads MB megabytes from python3's HTTP server, best of 3.
# usage: test/bench/forward.sh path/to/sspsh [MB]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/forward.sh SSPSH [MB]}")
megabytes=${2:-200}
. "$here/test/e2e/lib.sh"
. "$here/test/e2e/fwd_lib.sh"
. "$here/test/e2e/sshd_lib.sh"

reason=$(sshd_skip_reason)
for tool in tmux python3 curl ss; do
	[ -z "$reason" ] && ! need "$tool" && reason="$tool is not installed"
done
if [ -n "$reason" ]; then echo "bench forward: skipped: $reason"; exit 0; fi
ssh_pid=
trap '[ -n "$ssh_pid" ] && kill "$ssh_pid" 2>/dev/null; sshd_stop; e2e_cleanup' EXIT
sshd_start || { echo "bench forward: sshd does not start"; exit 1; }
chmod 0755 "$E2E_TMP"
http_start "$megabytes"
dest=$SSHD_USER@127.0.0.1
read -r -a ssh_words <<< "$SSHD_SSH"

# best_of_3 PORT: the best download speed through PORT, in MB/s.
best_of_3() {
	local best=0 speed i
	for i in 1 2 3; do
		speed=$(curl -sf --max-time 300 -o /dev/null -w '%{speed_download}' \
			"http://127.0.0.1:$1/blob-$megabytes") || speed=0
		speed=${speed%.*}
		[ "$speed" -gt "$best" ] && best=$speed
	done
	echo "$((best / 1000000))"
}

direct=$(best_of_3 "$HTTP_PORT")

port=$(free_port)
"${ssh_words[@]}" -N -L "$port:127.0.0.1:$HTTP_PORT" "$dest" &
ssh_pid=$!
wait_until 20 listening "$port"
via_ssh=$(best_of_3 "$port")
kill "$ssh_pid"
ssh_pid=

port=$(free_port)
start_tmux 80 24 "$SSPSH connect --ssh=${SSHD_SSH@Q} --server=$SSPSH -L $port:127.0.0.1:$HTTP_PORT $dest"
wait_until 20 listening "$port"
via_sspsh=$(best_of_3 "$port")
tmux_stop

echo "forward: one connection, $megabytes MB on loopback, best of 3 (MB/s)"
printf '  no forwarding     %6s\n' "$direct"
printf '  ssh -L            %6s\n' "$via_ssh"
printf '  sspsh connect -L  %6s   (%s %% of ssh -L)\n' "$via_sspsh" \
	"$(( via_ssh > 0 ? via_sspsh * 100 / via_ssh : 0 ))"
