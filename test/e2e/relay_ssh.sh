#!/usr/bin/env bash
# `sspsh connect` where UDP cannot pass: the server lives in a network
# namespace made here, with sshd in it and an nftables ruleset that drops
# every UDP datagram that is not on its loopback. The client falls back to
# the relay through ssh (`sspsh relay` on the server), the session works
# (typing, a 20 MB flood, Ctrl-C), it survives its ssh connection being
# killed, and it moves back to UDP once UDP is let through.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sshd_lib.sh"
. "$here/netns_lib.sh"
. "$here/relay_lib.sh"

netns_sshd relay_ssh 201 tmux
ns=$NETNS net=$NETNS_NET

# --transport=udp: nothing comes back over UDP, and the client says so (the
# address ssh reached and a firewall as the likely cause), never "Last
# contact", and exits with 255.
start_tmux 160 24 "${SSPSH@Q} connect --transport=udp --ssh=${SSHD_SSH@Q} --server=${SSPSH@Q} $SSHD_USER@$net.2 \
-- true; echo STATUS=\$?; sleep 600"
expect "UDP blocked, --transport=udp: the client names the server and a firewall" \
	wait_for_regex "^sspsh: nothing from $net.2:[0-9]+ yet \(a firewall dropping UDP to it\?\)" 15
sleep 6
expect "... and never says 'Last contact'" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -q 'Last contact'"
press C-^; type_text '.'
expect "... and Ctrl-^ . exits with 255" wait_for 'STATUS=255' 5
tmux_stop

# The client in a terminal, its -v log in a file.
printf 'exec %q connect -v --ssh=%q --server=%q %q -- env PS1=%q bash --norc --noprofile %s\n' \
	"$SSPSH" "$SSHD_SSH" "$SSPSH" "$SSHD_USER@$net.2" 'rl$ ' "$(relay_stamped "$E2E_TMP/client.log")" \
	> "$E2E_TMP/client.sh"
start=$(date +%s%N)
start_tmux 80 24 "bash $E2E_TMP/client.sh"
type_text 'echo ready-$((6 * 7))'; press Enter	# waits in the terminal for the session
if wait_for 'ready-42' 15; then
	took=$((($(date +%s%N) - start) / 1000000))
	if [ "$took" -le 5000 ]; then pass "a session with UDP blocked works within 5 s (${took} ms)"
	else fail "a session with UDP blocked works within 5 s" "it took ${took} ms"; fi
else
	fail_screen "a session with UDP blocked works"
	tail -20 "$E2E_TMP/client.log" | sed 's/^/    log| /'
	finish
fi
expect "the client says in one line that it relays through ssh" \
	wait_for 'sspsh: no answer over UDP; relaying through ssh.' 3
check "-v says the session relays through ssh" grep -q 'relaying through ssh' "$E2E_TMP/client.log"

type_text 'echo relayed-$((6 * 7))'; press Enter
expect "typing reaches the shell through the relay" wait_for 'relayed-42' 5
chmod 0755 "$E2E_TMP"
seq 1 1000000 | sed 's/$/ the quick brown/' > "$E2E_TMP/big"
chmod 0644 "$E2E_TMP/big"
type_text "clear; cat $E2E_TMP/big; echo cat-done"; press Enter
expect "the end of a $(($(stat -c %s "$E2E_TMP/big") / 1000000)) MB cat shows through the relay" wait_for 'cat-done' 60
type_text 'yes flood'; press Enter
wait_for 'flood' 5
press C-c
type_text 'clear; echo stopped-$((6 * 7))'; press Enter
expect "Ctrl-C stops a flood through the relay" wait_for 'stopped-42' 15

# The relay's ssh connection dies: the client runs a new one by itself, and
# a key typed meanwhile arrives exactly once.
relay_pids() { ip netns exec "$ns" pgrep -u "$SSHD_USER" -f 'sspsh relay'; }
new_relay() { local p; p=$(relay_pids | head -1); [ -n "$p" ] && [ "$p" != "$1" ]; }
old_relay=$(relay_pids | head -1)
relay_sshd=$(ps -o ppid= -p "${old_relay:-0}" 2>/dev/null | tr -d ' ')
if [ -n "$relay_sshd" ]; then
	touch "$E2E_TMP/once"; chmod 0666 "$E2E_TMP/once"
	kill -KILL "$relay_sshd"
	type_text "echo once >> $E2E_TMP/once"; press Enter
	expect "after its ssh is killed, the relay comes back by itself" wait_until 20 new_relay "$old_relay"
	type_text 'echo back-$((6 * 7))'; press Enter
	expect "the session works through the new relay" wait_for 'back-42' 15
	check "a key typed while the relay was down arrived exactly once" \
		test "$(cat "$E2E_TMP/once")" = once
	relay_check_rerun "auto, UDP blocked" "$E2E_TMP/client.log"
else
	fail "the relay runs on the server as the test user"
fi

# UDP opens: the client moves back to UDP and the relay ends.
netns_open_udp
expect "once UDP passes, the client moves back to it" \
	wait_until 20 grep -q 'leaving the relay' "$E2E_TMP/client.log"
type_text 'echo udp-$((6 * 7))'; press Enter
expect "the session works over UDP again" wait_for 'udp-42' 5
no_relay() { [ -z "$(relay_pids)" ]; }
check "the relay on the server has ended" wait_until 10 no_relay
finish
