#!/usr/bin/env bash
# `sspsh connect --udp --transport=auto` where UDP cannot pass: the daemon
# and sshd live in a network namespace made here whose nftables ruleset
# drops UDP. The client tries the daemon's port over UDP, says in one line
# that it relays through ssh when nothing answers within 2 s, does its
# handshakes and its session through `ssh HOST sspsh relay 127.0.0.1:PORT`,
# moves back to UDP once UDP is let through, and to the relay again when
# UDP is dropped mid-session; the command that attaches again keeps
# --transport=auto.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sshd_lib.sh"
. "$here/netns_lib.sh"

netns_sshd relay_daemon_auto 204 tmux runuser
PORT=60000
sshd_daemon "$PORT"

args=(--udp --accept-new --transport=auto "--ssh=$SSHD_SSH" "--server=$SSPSH" "$SSHD_USER@$NETNS_NET.2:$PORT")
printf 'HOME=%q %q connect -v %s -- env PS1=%q bash --norc --noprofile 2>%q; echo STATUS=$?; sleep 600\n' \
	"$E2E_TMP/client" "$SSPSH" "${args[*]@Q}" 'au$ ' "$E2E_TMP/client.log" > "$E2E_TMP/client.sh"
start=$(date +%s%N)
start_tmux 160 24 "bash $E2E_TMP/client.sh"
type_text 'echo auto-$((6 * 7))'; press Enter	# waits in the terminal for the session
if wait_for 'auto-42' 20; then
	took=$((($(date +%s%N) - start) / 1000000))
	if [ "$took" -le 6000 ]; then pass "UDP blocked: a session through the relay works within 6 s (${took} ms)"
	else fail "UDP blocked: a session through the relay works within 6 s" "it took ${took} ms"; fi
else
	fail_screen "UDP blocked: a session through the relay works"
	tail -20 "$E2E_TMP/client.log" | sed 's/^/    log| /'
	finish
fi
check "the client says in one line that UDP got no answer and it relays through ssh" \
	grep -q 'sspsh: no answer over UDP; relaying through ssh.' "$E2E_TMP/client.log"
relay_runs() { [ -n "$(ip netns exec "$NETNS" pgrep -u "$SSHD_USER" -f 'sspsh relay')" ]; }
check "the relay runs on the server" relay_runs
type_text 'echo relayed-$((6 * 7))'; press Enter
expect "typing keeps working through the relay" wait_for 'relayed-42' 5

netns_open_udp
expect "once UDP passes, the client moves back to it" \
	wait_until 20 grep -q 'leaving the relay' "$E2E_TMP/client.log"
type_text 'echo udp-$((6 * 7))'; press Enter
expect "the session works over UDP again" wait_for 'udp-42' 5
no_relay() { ! relay_runs; }
check "the relay on the server has ended" wait_until 10 no_relay

# UDP is dropped again mid-session: the session falls back to the relay by
# itself, and a key typed meanwhile arrives exactly once.
netns_block_udp
touch "$E2E_TMP/once"; chmod 0666 "$E2E_TMP/once"
type_text "echo once >> $E2E_TMP/once; echo again-\$((6 * 7))"; press Enter
expect "UDP lost mid-session: the session goes on through the relay" wait_for 'again-42' 30
check "... the relay runs again" relay_runs
check "... and the key typed meanwhile arrived exactly once" test "$(cat "$E2E_TMP/once")" = once

press C-^; type_text '.'
joined_screen_has() { tmx capture-pane -p -J -t t | grep -qE -- "$1"; }
expect "detaching names the command that attaches again, with --transport=auto" \
	wait_until 5 joined_screen_has "sspsh connect --udp --transport=auto .*$SSHD_USER@$NETNS_NET.2(:$PORT)? --attach [0-9]+"
expect "... and exits with 0" wait_for 'STATUS=0' 5
finish
