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
dest=$SSHD_USER@127.0.0.1
remote_shell="env PS1='bench-ready\$ ' HISTFILE=/dev/null bash --norc --noprofile"
read -r -a ssh_words <<< "$SSHD_SSH"

awk -v n="$((megabytes * 1000000 / 90))" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "\033[3%dm%07d h\303\251llo w\303\266rld \346\227\245\346\234\254\350\252\236 \033[1;4%dmcoloured\033[0m \342\226\210\342\226\221 the quick brown fox %05d\n", i % 8, i, (i + 3) % 8, i % 99991
}' > "$E2E_TMP/data"
chmod 0644 "$E2E_TMP/data"

# The three ways in: each prints its command line for a remote command.
way_ssh() { echo "${ssh_words[*]@Q} -tt $dest ${1@Q}"; }
way_udp() { echo "${SSPSH@Q} connect --transport=udp --predict=never --ssh=${SSHD_SSH@Q} --server=${SSPSH@Q} $dest -- sh -c ${1@Q}"; }
way_relay() { echo "${SSPSH@Q} connect --transport=ssh --predict=never --ssh=${SSHD_SSH@Q} --server=${SSPSH@Q} $dest -- sh -c ${1@Q}"; }

echo_latency() {
	local name=$1 cmd
	cmd=$("way_$name" 'echo READY; exec cat')
	printf '%-6s echo (ms): %s\n' "$name" "$(eval "python3 $here/test/bench/echo_latency.py READY 40 $cmd")"
}

now_ms() { date +%s%3N; }
prompt_back() { screen | grep -q '^bench-ready\$ *$'; }
wait_prompt() {
	local i
	for ((i = 0; i < 3000; i++)); do
		prompt_back && return 0
		sleep 0.005
	done
	return 1
}

flood() {
	local name=$1 t0 t1 best=999999 total=0 ms i
	start_tmux 80 24 "$("way_$name" "exec $remote_shell")"
	wait_prompt || { echo "$name: no prompt"; tmx kill-server; return; }
	sleep 1
	type_text 'clear'; press Enter; wait_prompt
	t0=$(now_ms)
	type_text "cat $E2E_TMP/data; echo END-OF-''CAT"; press Enter
	wait_for 'END-OF-CAT' 300 || echo "$name: the end of the cat never showed"
	t1=$(now_ms)
	printf '%-6s cat %d MB: end shown after %d ms\n' "$name" "$megabytes" $((t1 - t0))
	for i in 1 2 3; do
		type_text 'clear'; press Enter; wait_prompt
		type_text 'yes'; press Enter
		sleep 1
		t0=$(now_ms)
		press C-c
		wait_prompt || { echo "$name: Ctrl-C did not bring the prompt back"; break; }
		ms=$(($(now_ms) - t0)); total=$((total + ms))
		[ "$ms" -lt "$best" ] && best=$ms
	done
	printf '%-6s Ctrl-C in `yes`: prompt back after %d ms (best of 3), %d ms mean\n' "$name" "$best" $((total / 3))
	tmx kill-server; sleep 0.5
}

echo "loopback through a private sshd; relay = sspsh connect --transport=ssh"
for way in ssh udp relay; do echo_latency "$way"; done
for way in ssh udp relay; do flood "$way"; done
