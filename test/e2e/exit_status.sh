#!/usr/bin/env bash
# The client exits with the remote program's status, as ssh does: its exit
# status, or 128 + the signal that killed it (said on the screen too); a
# client ended by SIGTERM, SIGHUP or SIGQUIT exits with 128 + that signal.
. "$(dirname "$0")/lib.sh"

need tmux || { skip exit_status "tmux is not installed"; finish; }

# run_local COMMAND...: `connect --local -- COMMAND` in tmux, then STATUS=.
run_local() {
	printf '%s\n' "${SSPSH@Q} connect --local -- ${*@Q}" 'echo STATUS=$?' 'sleep 600' > "$E2E_TMP/run.sh"
	start_tmux 80 24 "bash $E2E_TMP/run.sh"
}

run_local sh -c 'exit 7'
expect "sh -c 'exit 7' makes the client exit with 7" wait_for 'STATUS=7' 15
expect "... saying it is exiting" wait_for '[sspsh is exiting.]' 1

run_local sh -c 'echo bye; exit 0'
expect "a program that exits 0 gives 0" wait_for 'STATUS=0' 15

run_local sh -c 'kill -KILL $$'
expect "a program killed by SIGKILL gives 137" wait_for 'STATUS=137' 15
expect "... and the screen says which signal" wait_for 'the program was killed by signal 9' 1

# The program is gone before any client comes: the server waits for one
# to tell it how the program ended.
"$SSPSH" server -i 127.0.0.1 --foreground -- sh -c 'exit 5' > "$E2E_TMP/line" 2>/dev/null &
e2e_pids+=($!)
wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/line"
read -r _ _ port key _ < "$E2E_TMP/line"
sleep 2
start_tmux 80 24 "SSPSH_KEY=$key ${SSPSH@Q} connect --direct 127.0.0.1 $port; echo STATUS=\$?; sleep 600"
expect "a client that comes after the program exited still gets its status" wait_for 'STATUS=5' 10

start_local
expect "a shell session opens" wait_for_regex '^\$ ?$' 10
type_text 'exit 3'; press Enter
expect "'exit 3' typed in the shell gives 3" wait_until 15 grep -qx 3 "$E2E_TMP/status"

# The client ended by a signal: 128 + the signal, the terminal as it was
# (SIGQUIT too: it was not caught and left the terminal raw).
for sig in TERM HUP QUIT; do
	start_local
	expect "SIG$sig: a shell session opens" wait_for_regex '^\$ ?$' 10
	kill -"$sig" "$(client_pid)"
	status=$((128 + $(kill -l "$sig")))
	expect "SIG$sig ends the client with $status" wait_until 15 grep -qx "$status" "$E2E_TMP/status"
	check "... and gives the terminal its modes back" wait_until 5 cmp -s "$E2E_TMP/modes.before" "$E2E_TMP/modes.after"
done
finish
