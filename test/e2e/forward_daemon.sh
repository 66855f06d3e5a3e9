#!/usr/bin/env bash
# Forwarding with the SSH-free daemon (connect --udp): allowed per key by
# permit-forward on its authorized_keys line, off by default. A key without
# it gets one line per refused forward and the session carries on. -A over
# --udp with a real ssh-agent: ssh-add -l in the daemon's session lists the
# client's key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

for tool in tmux python3 curl ss ssh-agent ssh-add ssh-keygen; do
	need "$tool" || { skip "forward_daemon" "$tool is not installed"; finish; }
done
# The key of daemon_setup's client has no permit-forward; "yes" has it.
daemon_setup fd || { skip "forward_daemon" "$daemon_skip"; finish; }
daemon_add_key yes permit-forward || { fail "a second key"; finish; }
daemon_start 61900 61999 || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"; finish; }
http_start 2
agent_start	# the client's, for -A

# udp_session HOME OPTIONS...: connect --udp from HOME running a plain
# bash, the client's agent in its environment.
udp_session() {
	local home=$1; shift
	start_tmux 80 24 "HOME=$E2E_TMP/$home SSH_AUTH_SOCK=$agent_sock $SSPSH connect --udp --accept-new 127.0.0.1:$DAEMON_PORT $* -- ${E2E_SHELL[*]@Q}"
}

lport=$(free_port) rport=$(free_port)
udp_session yes -L "$lport:127.0.0.1:$HTTP_PORT" -R "$rport:127.0.0.1:$HTTP_PORT"
expect "a session with a key that has permit-forward starts" wait_for '$' 15
wait_until 10 listening "$lport"
curl -sf --max-time 60 "http://127.0.0.1:$lport/blob-2" -o "$E2E_TMP/got-l"
check "a key with permit-forward: 2 MB through -L arrive intact" same_file blob-2 "$E2E_TMP/got-l"
expect "... and the daemon's session listens on its -R port" wait_until 10 listening "$rport"
curl -sf --max-time 60 "http://127.0.0.1:$rport/blob-2" -o "$E2E_TMP/got-r"
check "... through which 2 MB arrive intact" same_file blob-2 "$E2E_TMP/got-r"
type_text 'exit'; press Enter
wait_for 'exiting' 10
tmux_stop

lport=$(free_port) rport=$(free_port)
udp_session client -L "$lport:127.0.0.1:$HTTP_PORT" -R "$rport:127.0.0.1:$HTTP_PORT"
expect "a key without permit-forward: -R is refused in one line" \
	wait_for "sspsh: -R $rport:127.0.0.1:$HTTP_PORT: not permitted" 10
wait_until 10 listening "$lport"
curl -s --max-time 20 "http://127.0.0.1:$lport/blob-2" -o "$E2E_TMP/got-no"
check "... no bytes come through -L" test ! -s "$E2E_TMP/got-no"
expect "... which is refused in one line too" \
	wait_for "sspsh: -L $lport:127.0.0.1:$HTTP_PORT: not permitted" 10
check "... and nothing listens on the -R port" sh -c "! ss -Hltn 'sport = :$rport' | grep -q ."
type_text 'echo goes-on-$((40 + 2))'; press Enter
expect "... and the session carries on" wait_for 'goes-on-42' 10
type_text 'exit'; press Enter
wait_for 'exiting' 10
tmux_stop

# (A forward's notice replaces the one before: -A in a session of its own.)
udp_session client -A
expect "a key without permit-forward: -A is refused in one line" \
	wait_for "sspsh: -A: not permitted" 10
type_text 'exit'; press Enter
wait_for 'exiting' 10
tmux_stop

udp_session yes -A
wait_for '$' 15
# As root the daemon's session runs as a user of its own, who cannot write
# here: what ssh-add says is read off the screen. The socket appears once
# the -A request has arrived, a round trip after the session started.
type_text "for i in \$(seq 100); do [ -S \"\$SSH_AUTH_SOCK\" ] && break; sleep 0.1; done; ssh-add -l; stat -c 'mode=%a' \"\$SSH_AUTH_SOCK\" \"\${SSH_AUTH_SOCK%/*}\" | tr '\\n' ' '; echo list-ed-ok | tr -d -"
press Enter
expect "-A over --udp: ssh-add -l runs in the daemon's session" wait_for 'listedok' 15
expect "... and lists the client's key ($fingerprint)" wait_for "$fingerprint" 5
expect "... through a 0600 socket in a 0700 directory" wait_for 'mode=600 mode=700' 5
type_text 'exit'; press Enter
wait_for 'exiting' 10
tmux_stop
finish
