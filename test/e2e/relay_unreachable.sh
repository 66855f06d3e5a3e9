#!/usr/bin/env bash
# Before a session, the relay's ssh to a host that never answers (a
# namespace made here drops every datagram and TCP segment sent to it):
# `connect --udp --transport=ssh` says after 1 s that ssh is still trying,
# and when ssh gives up (its ConnectTimeout) exits with 255 and ssh's own
# error; `--transport=auto` falls back to that relay and ends the same way.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/netns_lib.sh"
. "$here/relay_lib.sh"

for tool in nft ip ssh; do
	command -v "$tool" >/dev/null || { skip "relay_unreachable" "no $tool"; finish; }
done
[ "$(id -u)" = 0 ] || { skip "relay_unreachable" "needs root for a network namespace"; finish; }
trap 'netns_remove; e2e_cleanup' EXIT
if ! netns_make 206 || ! printf '%s\n' 'table inet sspsh_black_hole {' \
	'chain input { type filter hook input priority 0; iifname "lo" accept; drop; }' '}' |
	ip netns exec "$NETNS" nft -f -; then
	fail "relay_unreachable: cannot build the namespace"
	finish
fi
mkdir -p "$E2E_TMP/client"
HOME=$E2E_TMP/client "$SSPSH" keygen -C client >/dev/null 2>&1
ssh_cmd="ssh -o ConnectTimeout=4 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"

# Runs the client without a terminal; its stderr stamped in FILE.
# Prints its exit status and how long it ran (ms).
run_client() {	# FILE TRANSPORT
	local start status
	start=$(date +%s%N)
	eval "HOME=\$E2E_TMP/client timeout 60 \"\$SSPSH\" connect --udp --accept-new --transport=$2 \
		\"--ssh=\$ssh_cmd\" nobody@\$NETNS_NET.2 < /dev/null $(relay_stamped "$1")"
	status=$?
	sleep 0.2	# the stamping loop writes the last lines
	echo "$status $((($(date +%s%N) - start) / 1000000)) $((start / 1000))"
}

# When a line matching PATTERN came, in ms after START_US (µs).
line_at() {	# FILE START_US PATTERN
	awk -v s="$2" -v p="$3" 'index($0, p) { printf "%d\n", ($1 * 1000000 - s) / 1000; exit }' "$1"
}

check_run() {	# NAME FILE STATUS MS START_US
	local name=$1 file=$2 status=$3 ms=$4 start=$5 said
	check "$name: exits with 255 (got $status)" test "$status" = 255
	check "$name: when ssh gives up, not after TCP's two minutes (${ms} ms)" test "$ms" -lt 20000
	said=$(line_at "$file" "$start" "no answer through ssh from nobody@$NETNS_NET.2 yet (ssh is still trying")
	if [ -n "$said" ]; then
		pass "$name: says ssh is still trying (${said} ms in)"
	else
		fail "$name: says ssh is still trying" "$(cut -d' ' -f2- "$2")"
	fi
	check "$name: ssh's own error is the last word" grep -q "relay: ssh: connect to host $NETNS_NET.2 port 22: Connection timed out" "$file"
}

read -r status ms start < <(run_client "$E2E_TMP/ssh.log" ssh)
check_run "--transport=ssh" "$E2E_TMP/ssh.log" "$status" "$ms" "$start"
said=$(line_at "$E2E_TMP/ssh.log" "$start" "ssh is still trying")
check "--transport=ssh: the line comes 1 s in (${said:-?} ms)" test "${said:-0}" -ge 900 -a "${said:-0}" -le 2500

read -r status ms start < <(run_client "$E2E_TMP/auto.log" auto)
check_run "--transport=auto" "$E2E_TMP/auto.log" "$status" "$ms" "$start"
finish
