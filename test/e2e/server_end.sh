#!/usr/bin/env bash
# The server tells its client every way a session ends, and the client
# says why and exits: `sspsh server` stopped by SIGTERM or SIGHUP, a
# --local server that dies without a word, the daemon stopping, and a
# daemon session whose program is killed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

need tmux || { skip server_end "tmux is not installed"; finish; }

alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! alive "$1"; }

# A server on its own, a client joining it with --direct, then the signal.
for sig in TERM HUP; do
	"$SSPSH" server -i 127.0.0.1 --foreground -- "${E2E_SHELL[@]}" > "$E2E_TMP/line.$sig" 2>/dev/null &
	server=$!
	e2e_pids+=("$server")
	wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/line.$sig"
	read -r _ _ port key _ < "$E2E_TMP/line.$sig"
	start_tmux 80 24 "SSPSH_KEY=$key ${SSPSH@Q} connect --direct 127.0.0.1 $port; echo STATUS=\$?; sleep 600"
	expect "SIG$sig: a session with a server of its own opens" wait_for_regex '^\$ ?$' 10
	kill -"$sig" "$server"
	expect "SIG$sig of the server: the client says the server was stopped" \
		wait_for '[sspsh: the server was stopped, and the session with it.]' 5
	expect "... and exits with 255" wait_for 'STATUS=255' 2
	expect "... and the server is gone" wait_until 5 gone "$server"
done

# A --local server killed outright: the client collects it and says so.
start_local
expect "a --local session opens" wait_for_regex '^\$ ?$' 10
server=$(server_pid)
kill -KILL "$server"
expect "a --local server killed by SIGKILL: the client says so" wait_for 'the server exited without a word' 5
expect "... exits with 255" wait_until 5 grep -qx 255 "$E2E_TMP/status"
expect "... and has collected it (no zombie left)" wait_until 5 sh -c "! ps -o stat= -p $server | grep -q Z"

# A --local server stopped by SIGTERM tells its client.
start_local
expect "another --local session opens" wait_for_regex '^\$ ?$' 10
kill -TERM "$(server_pid)"
expect "SIGTERM of a --local server: the client says the server was stopped" \
	wait_for 'the server was stopped' 5
expect "... and exits with 255" wait_until 5 grep -qx 255 "$E2E_TMP/status"

daemon_setup se || { skip "daemon sessions end" "$daemon_skip"; finish; }
daemon_start 61900 61999 || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"; finish; }

udp_session() {
	start_tmux 200 24 "HOME=$E2E_TMP/client ${SSPSH@Q} connect --udp 127.0.0.1:$DAEMON_PORT -- $*; \
echo STATUS=\$?; sleep 600"
}

udp_session "${E2E_SHELL[*]@Q}"
expect "a daemon session opens" wait_for_regex '^\$ ?$' 10
type_text 'echo SHELL=$$'; press Enter
expect "its shell says its pid" wait_for_regex '^SHELL=[0-9]+' 5
kill -KILL "$(screen | sed -n 's/^SHELL=\([0-9]*\).*/\1/p' | head -1)"
expect "a daemon session whose shell is killed: the client says which signal" \
	wait_for 'the program was killed by signal 9' 5
expect "... and exits with 137" wait_for 'STATUS=137' 2

udp_session sh -c "'exit 4'"
expect "a daemon session's exit status is the client's" wait_for 'STATUS=4' 10

# A daemon that went silent without a word (stopped here; killed or cut off
# alike): the detach hint does not promise the session is still there.
udp_session "${E2E_SHELL[*]@Q}"
expect "a daemon session to detach from opens" wait_for_regex '^\$ ?$' 10
kill -STOP "$DAEMON_PID"
expect "a silent daemon: 'Last contact'" wait_for 'Last contact' 10
press C-^; type_text '.'
expect "... detaching says the server has been silent, and attaches only 'if it is still there'" \
	wait_for_regex 'detached from session [0-9]+, whose server has been silent for [0-9]+ s; if it is still there' 5
kill -CONT "$DAEMON_PID"

udp_session "${E2E_SHELL[*]@Q}"
expect "one more daemon session opens" wait_for_regex '^\$ ?$' 10
kill -TERM "$DAEMON_PID"
expect "SIGTERM of the daemon: the client says the daemon stopped" \
	wait_for "[sspsh: the server's daemon stopped, and the session with it.]" 5
expect "... exits with 255" wait_for 'STATUS=255' 2
expect "... and advises no --attach to the gone session" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -q -- --attach"
expect "the daemon exits once its client knows" wait_until 5 gone "$DAEMON_PID"
finish
