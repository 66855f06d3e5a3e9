#!/usr/bin/env bash
# --transport=ssh means no UDP at all: the server's namespace (made here,
# sshd and the daemon in it) counts every UDP datagram that crosses its
# veth, and the count stays 0 while a session runs through the relay, its
# ssh is killed, keys are typed with no relay up, and a new relay runs;
# both for `connect` (the ssh bootstrap) and for `connect --udp` (the
# daemon). The log's "trying again in N ms" is the wait that follows.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sshd_lib.sh"
. "$here/netns_lib.sh"
. "$here/relay_lib.sh"

netns_sshd relay_ssh_only 205 tmux runuser
chmod 0755 "$E2E_TMP"

relay_pids() { ip netns exec "$NETNS" pgrep -u "$SSHD_USER" -f 'sspsh relay'; }
new_relay() { local p; p=$(relay_pids | head -1); [ -n "$p" ] && [ "$p" != "$1" ]; }

# The client in tmux, its -v log with each line's time ($EPOCHREALTIME).
run_client() {	# NAME PROMPT ARGS...
	local name=$1 prompt=$2; shift 2
	printf '%q connect -v %s -- env PS1=%q bash --norc --noprofile %s; sleep 600\n' \
		"$SSPSH" "${*@Q}" "$prompt" "$(relay_stamped "$E2E_TMP/$name.log")" > "$E2E_TMP/$name.sh"
	start_tmux 120 24 "HOME=$E2E_TMP/client bash $E2E_TMP/$name.sh"
}

# The relay's ssh is killed and a key typed before a new one runs: no UDP
# leaves meanwhile, the key arrives once, and the wait is what the log said.
kill_relay_and_count() {	# NAME LOG
	local name=$1 log=$2 old sshd
	old=$(relay_pids | head -1)
	sshd=$(ps -o ppid= -p "${old:-0}" 2>/dev/null | tr -d ' ')
	if [ -z "$sshd" ]; then fail "$name: the relay runs on the server"; return; fi
	: > "$E2E_TMP/once"; chmod 0666 "$E2E_TMP/once"
	kill -KILL "$sshd"
	type_text "echo once >> $E2E_TMP/once"; press Enter
	expect "$name: after its ssh is killed, the relay comes back by itself" wait_until 20 new_relay "$old"
	type_text "echo back-\$((6 * 7))"; press Enter
	expect "$name: the session works through the new relay" wait_for 'back-42' 15
	check "$name: a key typed while the relay was down arrived exactly once" test "$(cat "$E2E_TMP/once")" = once
	check "$name: no UDP datagram crossed the namespace's veth (dropped: $(netns_udp_dropped))" \
		test "$(netns_udp_dropped)" = 0
	relay_check_rerun "$name" "$log"
}

# The ssh bootstrap.
mkdir -p "$E2E_TMP/client"
run_client ssh 'so$ ' --transport=ssh "--ssh=$SSHD_SSH" "--server=$SSPSH" "$SSHD_USER@$NETNS_NET.2"
type_text 'echo ready-$((6 * 7))'; press Enter
if ! expect "connect --transport=ssh: a session through the relay" wait_for 'ready-42' 20; then
	tail -10 "$E2E_TMP/ssh.log" | sed 's/^/    log| /'
	finish
fi
check "connect --transport=ssh: no UDP datagram at the start" test "$(netns_udp_dropped)" = 0
kill_relay_and_count "connect --transport=ssh" "$E2E_TMP/ssh.log"
tmux_stop

# The daemon (--udp).
PORT=60000
sshd_daemon "$PORT"
run_client udp 'du$ ' --udp --accept-new --transport=ssh "--ssh=$SSHD_SSH" "--server=$SSPSH" "$SSHD_USER@$NETNS_NET.2:$PORT"
type_text 'echo daemon-$((6 * 7))'; press Enter
if ! expect "connect --udp --transport=ssh: a session through the relay" wait_for 'daemon-42' 20; then
	tail -10 "$E2E_TMP/udp.log" | sed 's/^/    log| /'
	finish
fi
check "connect --udp --transport=ssh: no UDP datagram at the start" test "$(netns_udp_dropped)" = 0
kill_relay_and_count "connect --udp --transport=ssh" "$E2E_TMP/udp.log"
finish
