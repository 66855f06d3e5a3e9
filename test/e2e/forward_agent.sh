#!/usr/bin/env bash
# connect -A with a real ssh-agent: inside the session ssh-add -l lists the
# client's key, through a socket of the server's in a 0700 directory of its
# own; without -A the session's SSH_AUTH_SOCK leads to no agent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux ssh-agent ssh-add ssh-keygen; do
	need "$tool" || { skip "forward_agent" "$tool is not installed"; finish; }
done

agent_start

# session OPTIONS: connect --local OPTIONS, the client's agent in its environment.
session() {
	start_tmux 80 24 "env SSH_AUTH_SOCK=$agent_sock $SSPSH connect --local $* -- ${E2E_SHELL[*]@Q}"
	wait_for '$' 10
}

session -A
out=$E2E_TMP/with-agent
# The socket appears once the client's -A request has arrived (a round trip
# after the session started).
type_text "for i in \$(seq 100); do [ -S \"\$SSH_AUTH_SOCK\" ] && break; sleep 0.1; done; ssh-add -l > $out.keys 2>&1; stat -c '%a %U' \"\$SSH_AUTH_SOCK\" \"\${SSH_AUTH_SOCK%/*}\" > $out.modes; echo \"\$SSH_AUTH_SOCK\" > $out.path; echo list-ed-ok | tr -d -"
press Enter
expect "ssh-add -l runs in the session" wait_for 'listedok' 15
check "ssh-add -l inside the session lists the client's key ($fingerprint)" \
	grep -qF "$fingerprint" "$out.keys"
check "the session's SSH_AUTH_SOCK is not the client's" \
	test "$(cat "$out.path")" != "$agent_sock"
check "the socket is 0600 and its directory 0700, the user's ($(tr '\n' ' ' < "$out.modes"))" \
	test "$(cut -d' ' -f1 "$out.modes" | tr '\n' ' ')" = "600 700 "
dir=$(dirname "$(cat "$out.path")")
tmux_stop
check "the socket's directory is removed with the session" wait_until 10 test ! -e "$dir"

session
out=$E2E_TMP/without-agent
type_text "ssh-add -l > $out.keys 2>&1; echo \$? > $out.status; echo done-list-ing | tr -d -"
press Enter
expect "ssh-add -l runs in the session without -A" wait_for 'donelisting' 15
check "without -A no agent answers in the session (ssh-add -l status $(cat "$out.status"))" \
	test "$(cat "$out.status")" = 2
check "... and the client's key is not listed" sh -c "! grep -qF '$fingerprint' $out.keys"
tmux_stop
finish
