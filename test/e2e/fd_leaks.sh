#!/usr/bin/env bash
# The program in a session inherits none of sspsh's descriptors: it starts
# with 0, 1 and 2 only (all on its terminal).
. "$(dirname "$0")/lib.sh"

# fds_of PID: its descriptor numbers, in order, on one line.
fds_of() { ls /proc/"$1"/fd 2>/dev/null | sort -n | tr '\n' ' '; }
# The pid of the `sleep SECONDS` process (the duration marks it as ours).
sleeper() { pgrep -xf "sleep $1" | head -1; }

mark=$((1000000 + $$))
"$SSPSH" server -i 127.0.0.1 --foreground --timeout 10 -- sleep "$mark" > "$E2E_TMP/line" 2>&1 &
e2e_pids+=("$!")
wait_until 5 sh -c "pgrep -xf 'sleep $mark' >/dev/null"
pid=$(sleeper "$mark")
[ -n "$pid" ] && e2e_pids+=("$pid")
check "a program under sspsh server has only fds 0 1 2 (has: $(fds_of "$pid"))" \
	test "$(fds_of "$pid")" = "0 1 2 "

if ! need tmux; then skip "connect --local" "tmux is not installed"; finish; fi
mark=$((2000000 + $$))
start_tmux 80 24 "$SSPSH connect --local -- sleep $mark"
wait_until 10 sh -c "pgrep -xf 'sleep $mark' >/dev/null"
pid=$(sleeper "$mark")
[ -n "$pid" ] && e2e_pids+=("$pid")
check "a program under sspsh connect --local has only fds 0 1 2 (has: $(fds_of "$pid"))" \
	test "$(fds_of "$pid")" = "0 1 2 "
finish
