#!/usr/bin/env bash
# The relay through ssh beside UDP and beside plain ssh, on loopback through
# a private sshd (test/e2e/sshd_lib.sh; needs root):
#   - keystroke-to-echo latency (prediction off; cat on the far side);
#   - time to show the end of a coloured UTF-8 `cat` of MB megabytes;
#   - Ctrl-C during `yes`: time until the prompt is back.
# usage: test/bench/relay.sh path/to/sspsh [MB]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export SSPSH=$(realpath "${1:?usage: test/bench/relay.sh SSPSH [MB]}")
megabytes=${2:-20}
. "$here/test/e2e/lib.sh"
. "$here/test/e2e/sshd_lib.sh"

reason=$(sshd_skip_reason)
[ -z "$reason" ] && ! need tmux && reason="tmux is not installed"
[ -z "$reason" ] && ! need python3 && reason="python3 is not installed"
if [ -n "$reason" ]; then echo "bench relay: skipped: $reason"; exit 0; fi
trap 'sshd_stop; e2e_cleanup' EXIT
sshd_start || { echo "bench relay: sshd does not start"; exit 1; }
chmod 0755 "$E2E_TMP"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
. "$here/test/bench/bench_lib.sh"
dest=$SSHD_USER@127.0.0.1
read -r -a ssh_words <<< "$SSHD_SSH"
bench_make_data "$E2E_TMP/data" "$megabytes"

# The three ways in: each prints its command line for a remote command.
way_ssh() { echo "${ssh_words[*]@Q} -tt $dest ${1@Q}"; }
way_udp() { echo "${SSPSH@Q} connect --transport=udp --predict=never --ssh=${SSHD_SSH@Q} --server=${SSPSH@Q} $dest -- sh -c ${1@Q}"; }
way_relay() { echo "${SSPSH@Q} connect --transport=ssh --predict=never --ssh=${SSHD_SSH@Q} --server=${SSPSH@Q} $dest -- sh -c ${1@Q}"; }

echo_latency() {
	local name=$1 cmd
	cmd=$("way_$name" 'echo READY; exec cat')
	printf '%-7s echo (ms): %s\n' "$name" "$(eval "python3 $here/test/bench/echo_latency.py READY 40 $cmd")"
}

flood() {
	local name=$1
	start_tmux 80 24 "$("way_$name" "exec ${BENCH_SHELL[*]@Q}")"
	wait_prompt || { echo "$name: no prompt"; tmx kill-server; return; }
	sleep 1
	if bench_cat "$name" "$E2E_TMP/data"; then
		printf '%-7s cat %d MB: end shown after %d ms\n' "$name" "$megabytes" "$BENCH_CAT_MS"
	fi
	bench_ctrl_c "$name" "loopback"
	tmx kill-server; sleep 0.5
}

echo "loopback through a private sshd; relay = sspsh connect --transport=ssh"
for way in ssh udp relay; do echo_latency "$way"; done
for way in ssh udp relay; do flood "$way"; done
