#!/usr/bin/env bash
# connect --local: the session's program is the client's grandchild, but it
# gets none of the client's environment beyond the locale and who the user
# is; SSH_AUTH_SOCK above all: the session's names a socket of its own,
# which only -A makes (test/e2e/forward_agent.sh).
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "connect --local environment" "tmux is not installed"; finish; fi
# environ_of PID NAME: NAME's value in the process's environment, or "-".
environ_of() { tr '\0' '\n' < /proc/"$1"/environ 2>/dev/null | sed -n "s/^$2=//p" | grep . || echo -; }

mark=$((3000000 + $$))
start_tmux 80 24 "env SSH_AUTH_SOCK=/tmp/agent.e2e SSPSH_E2E_SECRET=leaked DISPLAY=:9 LANG=C.UTF-8 LC_TIME=C $SSPSH connect --local -- sleep $mark"
wait_until 10 sh -c "pgrep -xf 'sleep $mark' >/dev/null"
pid=$(pgrep -xf "sleep $mark" | head -1)
[ -n "$pid" ] && e2e_pids+=("$pid")
sock=$(environ_of "$pid" SSH_AUTH_SOCK)
check "the program has not the client's SSH_AUTH_SOCK (has: $sock)" test "$sock" != /tmp/agent.e2e
check "... but the session's own, where without -A no agent listens" test ! -e "$sock"
check "nor the client's other variables" \
	test "$(environ_of "$pid" SSPSH_E2E_SECRET)$(environ_of "$pid" DISPLAY)" = --
check "it has the locale (LANG=$(environ_of "$pid" LANG), LC_TIME=$(environ_of "$pid" LC_TIME))" \
	test "$(environ_of "$pid" LANG) $(environ_of "$pid" LC_TIME)" = "C.UTF-8 C"
check "and TERM=$(environ_of "$pid" TERM)" test "$(environ_of "$pid" TERM)" = xterm-256color
finish
