#!/usr/bin/env bash
# -A's agent directory (the 0700 one holding the socket the session's
# SSH_AUTH_SOCK names) goes away however its server ends: the program
# exits, the client quits, SIGTERM, SIGHUP, the --local client killed, the
# client gone past --timeout, the daemon's session ended by its program,
# by the key taken out of authorized_keys and by the daemon's SIGTERM. A
# session without -A makes none. A server killed with SIGKILL leaves it;
# the next server to start removes it once it is stale.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemon_lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux ssh-agent ssh-add ssh-keygen python3 ss; do
	need "$tool" || { skip "agent_dirs" "$tool is not installed"; finish; }
done

# Where the sessions write what they saw: the daemon's run as a user of
# their own.
said=$E2E_TMP/said
mkdir -m 1777 "$said"
agent_start

# in_session COMMAND: connect COMMAND's session (in tmux, a plain bash,
# the client's agent in its environment) once its prompt shows.
in_session() {
	start_tmux 80 24 "env SSH_AUTH_SOCK=$agent_sock $* -- ${E2E_SHELL[*]@Q}"
	wait_for '$' 15
}

# agent_up TAG: the session's SSH_AUTH_SOCK, once its socket exists (a
# round trip after the session started), in $sock, its directory in $dir.
agent_up() {
	local out=$said/sock.$1
	type_text "for i in \$(seq 100); do [ -S \"\$SSH_AUTH_SOCK\" ] && break; sleep 0.1; done; echo \"\$SSH_AUTH_SOCK\" > $out; echo agent-$1-up | tr -d -"
	press Enter
	wait_for "agent$1up" 15
	sock=$(cat "$out" 2>/dev/null)
	dir=${sock%/*}
	[ -S "$sock" ]
}

gone() { [ ! -e "$1" ]; }

# ends_local WAY WHAT: a --local -A session ended by WAY (a function); its
# directory must be gone within 10 s.
ends_local() {
	local way=$1 what=$2
	in_session "$SSPSH connect --local -A"
	if ! agent_up "$way"; then
		fail_screen "--local -A: the agent socket is there before $what"
		return
	fi
	"$way"
	check "--local -A, $what: the agent directory is removed" wait_until 10 gone "$dir"
	tmux_stop
}
by_exit() { type_text "exit"; press Enter; }
by_quit() { press C-^; press .; }
by_term() { kill -TERM "${sock##*agent.}"; }
by_hup() { kill -HUP "${sock##*agent.}"; }
by_client_kill() { kill -KILL "$(client_pid)"; }

ends_local by_exit "the program exits"
ends_local by_quit "the client quits (Ctrl-^ .)"
ends_local by_term "SIGTERM to the server"
ends_local by_hup "SIGHUP to the server"
ends_local by_client_kill "the client is killed (SIGKILL)"

# Without -A the session's SSH_AUTH_SOCK is named but nothing is made.
in_session "$SSPSH connect --local"
type_text "echo \"\$SSH_AUTH_SOCK\" > $said/sock.none; echo named-ok | tr -d -"
press Enter
expect "a session without -A starts" wait_for 'namedok' 15
none=$(cat "$said/sock.none" 2>/dev/null)
check "without -A no agent directory is made ($none)" \
	sh -c "[ -n '$none' ] && [ ! -e '${none%/*}' ]"
tmux_stop

# start_server TMPDIR ARGS...: a foreground `sspsh server` with its own
# TMPDIR, its pid in $server, port and key in $port and $key.
start_server() {
	local tmp=$1; shift
	mkdir -p "$tmp"
	TMPDIR=$tmp "$SSPSH" server -i 127.0.0.1 --foreground "$@" -- "${E2E_SHELL[@]}" \
		> "$tmp.line" 2> "$tmp.log" &
	server=$!
	e2e_pids+=("$server")
	wait_until 5 grep -qs '^SSPSH CONNECT' "$tmp.line"
	port=$(cut -d' ' -f3 "$tmp.line")
	key=$(cut -d' ' -f4 "$tmp.line")
}

# The client gone without a word: the server's --timeout ends it.
start_server "$E2E_TMP/timeout" --timeout 3
start_tmux 80 24 "env SSH_AUTH_SOCK=$agent_sock SSPSH_KEY=$key $SSPSH connect --direct -A 127.0.0.1 $port"
wait_for '$' 15
if agent_up timeout; then
	kill -KILL "$(client_pid)"
	if wait_until 10 sh -c "! kill -0 $server 2>/dev/null"; then
		pass "--direct -A, the client gone (SIGKILL) past --timeout: the server ends"
	else
		fail "--direct -A, the client gone (SIGKILL) past --timeout: the server ends" "$(tail -5 "$E2E_TMP/timeout.log")"
	fi
	check "... and its agent directory is removed" gone "$dir"
else
	fail_screen "--direct -A: the agent socket is there before the timeout"
fi
tmux_stop

# SIGKILL: nothing can run, the directory stays; the next server removes it
# once it is stale (SSPSH_AGENT_STALE_S), and nothing else of the TMPDIR.
start_server "$E2E_TMP/killed"
start_tmux 80 24 "env SSH_AUTH_SOCK=$agent_sock SSPSH_KEY=$key $SSPSH connect --direct -A 127.0.0.1 $port"
wait_for '$' 15
if agent_up killed; then
	kill -KILL "$server"
	wait_until 5 sh -c "! kill -0 $server 2>/dev/null"
	check "a server killed with SIGKILL leaves its agent directory" test -S "$sock"
	tmux_stop
	mkdir "$E2E_TMP/killed/sspsh-agent-keep-me"
	python3 -c 'import os, sys, time; t = time.time() - 120; [os.utime(p, (t, t), follow_symlinks=False) for p in sys.argv[1:]]' \
		"$dir" "$E2E_TMP/killed/sspsh-agent-keep-me"
	start_server "$E2E_TMP/killed"
	check "the next server removes the stale agent directory" wait_until 5 gone "$dir"
	check "... and nothing else" test -d "$E2E_TMP/killed/sspsh-agent-keep-me"
	kill -TERM "$server"
else
	fail_screen "--direct -A: the agent socket is there before the SIGKILL"
fi
tmux_stop

# The daemon's sessions.
daemon_setup ad || { skip "agent_dirs: the daemon" "$daemon_skip"; finish; }
daemon_add_key fwd permit-forward || { fail "a key with permit-forward"; finish; }
daemon_start 62100 62199 || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"; finish; }
udp_session() { in_session "HOME=$E2E_TMP/fwd $SSPSH connect --udp --accept-new 127.0.0.1:$DAEMON_PORT -A"; }

udp_session
if agent_up udp_exit; then
	by_exit
	check "--udp -A, the program exits: the agent directory is removed" wait_until 10 gone "$dir"
else
	fail_screen "--udp -A: the agent socket is there before the program exits"
fi
tmux_stop

udp_session
if agent_up udp_revoked; then
	grep -v ' fwd$' "$E2E_TMP/server/.sspsh/authorized_keys" > "$E2E_TMP/keys.left"
	cat "$E2E_TMP/keys.left" > "$E2E_TMP/server/.sspsh/authorized_keys"
	kill -HUP "$DAEMON_PID"
	check "--udp -A, the key taken out (SIGHUP): the agent directory is removed" \
		wait_until 10 gone "$dir"
else
	fail_screen "--udp -A: the agent socket is there before the key is taken out"
fi
tmux_stop
daemon_add_key fwd2 permit-forward
kill -HUP "$DAEMON_PID"

in_session "HOME=$E2E_TMP/fwd2 $SSPSH connect --udp --accept-new 127.0.0.1:$DAEMON_PORT -A"
if agent_up udp_stopped; then
	kill -TERM "$DAEMON_PID"
	check "--udp -A, the daemon stopped (SIGTERM): the agent directory is removed" \
		wait_until 10 gone "$dir"
else
	fail_screen "--udp -A: the agent socket is there before the daemon stops"
fi
tmux_stop
finish
