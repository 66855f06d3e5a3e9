#!/usr/bin/env bash
# The daemon at its limits: when its session limit (--max-sessions) or its
# file descriptors run out, a client asking for a new session is refused
# in one line that says which, and the daemon goes on serving the session
# it has. (Running out of ptys takes the same path, pty_shortage(); the
# machine's ptys are shared with everything else, so this test leaves
# kernel.pty.max alone.)
. "$(dirname "$0")/lib.sh"

need tmux || { skip daemon_limits "tmux is not installed"; finish; }
PORT=$((61900 + ($$ % 50) * 2))
mkdir -p "$E2E_TMP/a" "$E2E_TMP/server/.sspsh"
HOME=$E2E_TMP/a "$SSPSH" keygen -C a >/dev/null 2>&1
cp "$E2E_TMP/a/.sspsh/id_x25519.pub" "$E2E_TMP/server/.sspsh/authorized_keys"
run_as=()
[ "$(id -u)" = 0 ] && run_as=(--user root)

# start_daemon PORT [OPTIONS...]: the daemon in the foreground; sets daemon.
start_daemon() {
	local port=$1; shift
	HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$port" "${run_as[@]}" --foreground "$@" \
		2> "$E2E_TMP/daemon-$port.log" &
	daemon=$!
	e2e_pids+=("$daemon")
	wait_until 10 grep -q "listening on UDP port $port" "$E2E_TMP/daemon-$port.log"
}

# new_session PORT: asks for one more session (no terminal needed to be refused).
new_session() {
	HOME=$E2E_TMP/a timeout 10 "$SSPSH" connect --udp --accept-new "127.0.0.1:$1" -- true < /dev/null 2>&1
}

# first_session PORT: a session running cat in the tmux terminal.
first_session() {
	start_tmux 80 24 "HOME=$E2E_TMP/a $SSPSH connect --udp --accept-new 127.0.0.1:$1 -- sh -c 'echo FIRST-READY; exec cat'"
	wait_for FIRST-READY 10
}

# still_serves TEXT: the first session still echoes what is typed.
still_serves() {
	type_text "$1"; press Enter
	wait_for "$1" 5
}

# ---- The session limit ----

start_daemon "$PORT" --max-sessions 1 || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon-$PORT.log")"; finish; }
expect "a first session opens under --max-sessions 1" first_session "$PORT"
out=$(new_session "$PORT"); rc=$?
check "a second is refused in one line naming the limit: $out" \
	test "$rc" -ne 0 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F 'at most this many sessions: 1' <<<"$out")"
expect "the daemon still serves the first session" still_serves LIMIT-ECHO
out=$(HOME=$E2E_TMP/a timeout 10 "$SSPSH" connect --udp --accept-new "127.0.0.1:$PORT" --list 2>&1)
check "and lists it" grep -q "cat" <<<"$out"
tmux_stop

# ---- Out of file descriptors ----

PORT=$((PORT + 1))
start_daemon "$PORT" || { fail "the second daemon starts" "$(cat "$E2E_TMP/daemon-$PORT.log")"; finish; }
expect "a first session opens" first_session "$PORT"
# Lower the daemon's limit so the lowest free descriptor is its last one:
# a pty needs two at once (master and terminal side).
lowest_free=0
while [ -e "/proc/$daemon/fd/$lowest_free" ]; do lowest_free=$((lowest_free + 1)); done
if ! prlimit --pid "$daemon" --nofile=$((lowest_free + 1)):$((lowest_free + 1)) 2>/dev/null; then
	skip "out of file descriptors" "prlimit cannot lower the daemon's limit here"
else
	out=$(new_session "$PORT"); rc=$?
	check "a new session is refused in one line: out of file descriptors: $out" \
		test "$rc" -ne 0 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F 'out of file descriptors' <<<"$out")"
	expect "the daemon still serves the first session" still_serves FDS-ECHO
fi
finish
