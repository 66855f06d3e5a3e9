#!/usr/bin/env bash
# A laptop asleep: the real client process, then the real server process,
# stopped with SIGSTOP for NAP_S seconds (15 here; `make soak` runs 60) and
# continued. Output made while the client slept shows up, keys typed while
# the server slept arrive exactly once, and the session goes on.
. "$(dirname "$0")/lib.sh"

nap=${NAP_S:-15}
if ! need tmux; then skip "sleep" "tmux is not installed"; finish; fi

# count TEXT: lines of the screen that are exactly TEXT.
count() { screen | grep -cxF -- "$1"; }

start_local
expect "a prompt appears" wait_for_regex '^\$ ?$' 10
client=$(client_pid) server=$(server_pid)
expect "found the client and the server" test -n "$client" -a -n "$server"

type_text 'sleep 2; echo "woke-$((40+2))"'; press Enter
kill -STOP "$client"
sleep "$nap"
kill -CONT "$client"
expect "output made while the client slept ($nap s) appears after it wakes" wait_for 'woke-42' 10
type_text 'echo "client-ok-$((1+1))"'; press Enter
expect "the session works after the client slept" wait_for 'client-ok-2' 10

kill -STOP "$server"
type_text 'echo "typed-in-nap-$((2+3))"'; press Enter
sleep "$nap"
kill -CONT "$server"
expect "keys typed while the server slept ($nap s) arrive" wait_for 'typed-in-nap-5' 15
sleep 1
expect "and arrive exactly once" test "$(count 'typed-in-nap-5')" -eq 1
type_text 'echo "server-ok-$((3+4))"'; press Enter
expect "the session works after the server slept" wait_for 'server-ok-7' 10

type_text 'exit'; press Enter
expect "the session ends" wait_for 'CLIENT-DONE' 10
finish
