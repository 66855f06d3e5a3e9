#!/usr/bin/env bash
# A server whose client is gone does not live on: a --local server ends
# with its client however the client went (kill -9 too), and any server
# ends after --timeout without its client.
. "$(dirname "$0")/lib.sh"

need tmux || { skip orphan_server "tmux is not installed"; finish; }

alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! alive "$1"; }

# Ctrl-^ . ends a --local server at once: it has nobody left to tell (no
# wait for the hangup grace, 2 s).
start_local
expect "a --local session opens" wait_for_regex '^\$ ?$' 10
server=$(server_pid)
started=$(date +%s%N)
press C-^; type_text '.'
wait_until 10 test -s "$E2E_TMP/status"
took=$((($(date +%s%N) - started) / 1000000))
check "Ctrl-^ . ends a --local client and its server in well under the 2 s hangup grace (${took} ms)" \
	test "$took" -lt 1500
check "... and the server is gone" gone "$server"

start_local
expect "another --local session opens" wait_for_regex '^\$ ?$' 10
type_text 'echo SHELL=$$'; press Enter
expect "its shell says its pid" wait_for_regex '^SHELL=[0-9]+' 5
shell=$(screen | sed -n 's/^SHELL=\([0-9]*\).*/\1/p' | head -1)
client=$(client_pid) server=$(server_pid)
check "the client, the server and the shell run" test -n "$client" -a -n "$server" -a -n "$shell"
kill -KILL "$client"
expect "kill -9 of the client ends its --local server" wait_until 10 gone "$server"
expect "... and the session's shell" wait_until 5 gone "$shell"
tmux_stop

# --timeout: a server nobody ever reached, and one whose client vanished.
"$SSPSH" server -i 127.0.0.1 --foreground --timeout 2 -- sleep 600 > "$E2E_TMP/line" 2>/dev/null &
unreached=$!
e2e_pids+=("$unreached")
check "a server nobody reaches is there before its --timeout" wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/line"
started=$SECONDS
check "... and ends after it (2 s, not the 60 s first-contact wait)" wait_until 10 gone "$unreached"
check "... within a few seconds" test $((SECONDS - started)) -le 6

"$SSPSH" server -i 127.0.0.1 --foreground --timeout 3 -- sleep 600 > "$E2E_TMP/line2" 2>/dev/null &
left=$!
e2e_pids+=("$left")
wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/line2"
read -r _ _ port key _ < "$E2E_TMP/line2"
start_tmux 80 24 "SSPSH_KEY=$key ${SSPSH@Q} connect --direct 127.0.0.1 $port; sleep 600"
client=
wait_until 5 test -n "$(client_pid)" && client=$(client_pid)
sleep 1
check "the server has its client" alive "$left"
[ -n "$client" ] && kill -KILL "$client"
started=$SECONDS
check "a server whose client was killed ends after --timeout" wait_until 10 gone "$left"
check "... 3 s after the client went quiet, not much later" test $((SECONDS - started)) -le 6
finish
