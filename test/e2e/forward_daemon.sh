#!/usr/bin/env bash
# Forwarding with the SSH-free daemon (connect --udp): allowed per key by
# permit-forward on its authorized_keys line, off by default. A key without
# it gets one line per refused forward and the session carries on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux python3 curl ss; do
	need "$tool" || { skip "forward_daemon" "$tool is not installed"; finish; }
done
PORT=$((61900 + ($$ % 50) * 2))
chmod 755 "$E2E_TMP"

# As root (CI), the daemon runs as a throwaway user made here.
TEST_USER=
if [ "$(id -u)" = 0 ]; then
	need useradd || { skip "forward_daemon" "root without useradd"; finish; }
	TEST_USER=sspshf$$
	useradd -M -d "$E2E_TMP/server" -s /bin/bash "$TEST_USER" || { fail "useradd"; finish; }
fi
forward_daemon_cleanup() {
	e2e_cleanup
	[ -n "$TEST_USER" ] && userdel "$TEST_USER" 2>/dev/null
}
trap forward_daemon_cleanup EXIT

mkdir -p "$E2E_TMP/server/.sspsh" "$E2E_TMP/yes" "$E2E_TMP/no"
HOME=$E2E_TMP/yes "$SSPSH" keygen -C yes >/dev/null 2>&1
HOME=$E2E_TMP/no "$SSPSH" keygen -C no >/dev/null 2>&1
{
	printf 'permit-forward '; cat "$E2E_TMP/yes/.sspsh/id_x25519.pub"
	cat "$E2E_TMP/no/.sspsh/id_x25519.pub"
} > "$E2E_TMP/server/.sspsh/authorized_keys"
chmod 600 "$E2E_TMP/server/.sspsh/authorized_keys"
run_as=()
if [ -n "$TEST_USER" ]; then
	chown -R "$TEST_USER" "$E2E_TMP/server"
	run_as=(--user "$TEST_USER")
fi
HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$PORT" "${run_as[@]}" --foreground \
	2> "$E2E_TMP/daemon.log" &
e2e_pids+=($!)
if ! wait_until 10 grep -q "listening on UDP port $PORT" "$E2E_TMP/daemon.log"; then
	fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"
	finish
fi
http_start 2

# udp_session WHO OPTIONS...: connect --udp as WHO running a plain bash.
udp_session() {
	local who=$1; shift
	start_tmux 80 24 "HOME=$E2E_TMP/$who $SSPSH connect --udp --accept-new 127.0.0.1:$PORT $* -- ${E2E_SHELL[*]@Q}"
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
udp_session no -L "$lport:127.0.0.1:$HTTP_PORT" -R "$rport:127.0.0.1:$HTTP_PORT"
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
finish
