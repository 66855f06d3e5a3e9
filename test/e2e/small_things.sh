#!/usr/bin/env bash
# Issue 15's small things: keygen's default comment without $USER, and the
# detach hint of an SSH-free session naming the -i FILE it was opened with.
# (`--list needs --udp`, `sspsh --bogus` and USER@ with --udp are rows of
# bad_input.table.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

mkdir -p "$E2E_TMP/home"
env -u USER HOME="$E2E_TMP/home" "$SSPSH" keygen -f "$E2E_TMP/nouser" </dev/null >/dev/null 2>&1
check "keygen without \$USER comments the key $(id -un)@$(hostname)" \
	grep -qE " $(id -un)@$(hostname)\$" "$E2E_TMP/nouser.pub"

need tmux || { skip "detach hint" "tmux is not installed"; finish; }
daemon_setup st || { skip "detach hint" "$daemon_skip"; finish; }
daemon_start 61800 61899 || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"; finish; }
key=$E2E_TMP/client/.sspsh/other_key
mv "$E2E_TMP/client/.sspsh/id_x25519" "$key"

start_tmux 200 24 "HOME=$E2E_TMP/client ${SSPSH@Q} connect --udp -i $key 127.0.0.1:$DAEMON_PORT \
-- ${E2E_SHELL[*]@Q}; echo STATUS=\$?; sleep 600"
expect "a session with -i FILE opens" wait_for_regex '^\$ ?$' 10
press C-^; type_text '.'
expect "Ctrl-^ . detaches" wait_for 'STATUS=0' 10
expect "the detach hint names -i FILE" \
	wait_for "\`sspsh connect --udp -i $key 127.0.0.1:$DAEMON_PORT --attach 1\` resumes it." 2
finish
