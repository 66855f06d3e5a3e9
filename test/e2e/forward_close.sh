#!/usr/bin/env bash
# How a forwarded connection ends, through connect --local -L: the program
# half-closes, closes or resets while the far end still sends; the far end
# closes first or resets; the program goes before the channel is accepted.
# Each time what the program sees is what a direct connection would show,
# and afterwards neither side holds a socket of it (nothing stays in
# CLOSE-WAIT or ESTABLISHED).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux python3 ss; do
	need "$tool" || { skip "forward_close" "$tool is not installed"; finish; }
done
peer=$(dirname "$0")/fwd_peer.py
far_port=$(free_port)
python3 "$peer" serve "$far_port" &
e2e_pids+=($!)
wait_until 10 listening "$far_port"
port=$(free_port)
session_with "-L $port:127.0.0.1:$far_port"
wait_until 10 listening "$port"

# held: the connections of the forward's port here and of the far end's,
# but the listeners (and TIME-WAIT, which is the kernel's).
held() {
	ss -Htan "( sport = :$port or dport = :$far_port )" |
		awk '$1 != "LISTEN" && $1 != "TIME-WAIT" { print $1 }' | sort | uniq -c | tr -s ' \n' ' '
}
nothing_held() { [ -z "$(held)" ]; }

# play CASE WANT: the program's part of CASE prints WANT, then no socket is left.
play() {
	local got
	got=$(timeout 30 python3 "$peer" case "$port" "$1" 2>&1 | tr '\n' ' ')
	check "$1: the program sees '$2'" test "$got" = "$2"
	wait_until 10 nothing_held
	check "$1: no socket of it is left ($(held))" nothing_held
}

play half_close_then_read "read 5000000 "
play close_in_a_flood ""
play reset_in_a_flood ""
play far_end_closes_first "read 100000 "
play far_end_resets "reset "
play close_at_once ""
play reset_at_once ""
play upload_then_half_close "count 3000000 "
type_text 'echo still-$((40 + 2))'; press Enter
expect "the session carries on" wait_for 'still-42' 10
finish
